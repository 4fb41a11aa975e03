/*
 * Firmata 2.x command bytes (https://github.com/firmata/protocol, protocol.md and sysex.md) and the
 * user sysex ids this firmware adds (docs/FIRMWARE.md).
 */
#ifndef COMMUNS_PROTOCOL_H
#define COMMUNS_PROTOCOL_H

#define FIRMATA_MAJOR 2
#define FIRMATA_MINOR 5
#define FIRMWARE_NAME "communs-firmata"

#define DIGITAL_MESSAGE 0x90
#define ANALOG_MESSAGE 0xE0
#define REPORT_ANALOG 0xC0
#define REPORT_DIGITAL 0xD0
#define START_SYSEX 0xF0
#define SET_PIN_MODE 0xF4
#define SET_DIGITAL_PIN_VALUE 0xF5
#define END_SYSEX 0xF7
#define REPORT_VERSION 0xF9
#define SYSTEM_RESET 0xFF

#define ANALOG_MAPPING_QUERY 0x69
#define ANALOG_MAPPING_RESPONSE 0x6A
#define CAPABILITY_QUERY 0x6B
#define CAPABILITY_RESPONSE 0x6C
#define PIN_STATE_QUERY 0x6D
#define PIN_STATE_RESPONSE 0x6E
#define STRING_DATA 0x71
#define I2C_REQUEST 0x76
#define I2C_REPLY 0x77
#define I2C_CONFIG 0x78
#define REPORT_FIRMWARE 0x79
#define SAMPLING_INTERVAL 0x7A
#define SERIAL_MESSAGE 0x60

/* SERIAL_MESSAGE subcommands are ORed with the port id (serial.md). */
#define SERIAL_REPLY 0x40

/* User-defined sysex ids: Firmata reserves 0x01-0x0F for these. */
#define SYSEX_PULSE_COUNTER 0x01
#define SYSEX_CLAMP_RMS 0x02

#define MODE_INPUT 0x00
#define MODE_OUTPUT 0x01
#define MODE_ANALOG 0x02
#define MODE_I2C 0x06
#define MODE_SERIAL 0x0A
#define MODE_PULLUP 0x0B

#endif
