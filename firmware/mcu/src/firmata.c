/*
 * Parses the host's byte stream (protocol.md: MIDI-style messages, sysex between F0 and F7) and hands
 * each complete message to its module. A sysex that is cut short by another command byte, or that
 * outgrows the buffer, is dropped whole: the parser then waits for the next command byte, so the
 * firmware keeps answering whatever garbage arrived before.
 */
#include "firmata.h"
#include <avr/pgmspace.h>
#include "clamp.h"
#include "i2c.h"
#include "pins.h"
#include "protocol.h"
#include "pulse.h"
#include "serial.h"
#include "uart.h"
#include "wire-out.h"

/* Big enough for an I2C write of 32 bytes (4 + 64 data bytes) and every extension message. */
#define SYSEX_MAX 96
#define DEFAULT_SAMPLING_MS 19

static uint8_t sysex[SYSEX_MAX];
static uint8_t sysex_len;
static uint8_t in_sysex;
static uint8_t sysex_overflow;

static uint8_t command;
static uint8_t needed;
static uint8_t received;
static uint8_t data[2];

static uint16_t sampling_ms = DEFAULT_SAMPLING_MS;

static const char firmware_name[] PROGMEM = FIRMWARE_NAME;

void firmata_reset(void) {
  in_sysex = 0;
  command = 0;
  sampling_ms = DEFAULT_SAMPLING_MS;
}

uint16_t firmata_sampling_interval(void) { return sampling_ms; }

void firmata_send_version(void) {
  uart_write(REPORT_VERSION);
  uart_write(FIRMATA_MAJOR);
  uart_write(FIRMATA_MINOR);
}

void firmata_send_firmware(void) {
  out_sysex_begin(REPORT_FIRMWARE);
  out_u7(FIRMATA_MAJOR);
  out_u7(FIRMATA_MINOR);
  for (const char *p = firmware_name; pgm_read_byte(p) != 0; p++) {
    out_u14(pgm_read_byte(p));
  }
  out_sysex_end();
}

static void system_reset(void) {
  serial_close();
  firmata_reset();
  pins_reset();
  i2c_reset();
  pulse_reset();
  clamp_reset();
}

static void dispatch_sysex(uint8_t id, const uint8_t *p, uint8_t n) {
  switch (id) {
    case REPORT_FIRMWARE:
      firmata_send_firmware();
      break;
    case CAPABILITY_QUERY:
      pins_send_capabilities();
      break;
    case ANALOG_MAPPING_QUERY:
      pins_send_analog_mapping();
      break;
    case PIN_STATE_QUERY:
      if (n >= 1) {
        pins_send_state(p[0]);
      }
      break;
    case SAMPLING_INTERVAL:
      if (n >= 2) {
        uint16_t ms = in_u14(p);
        sampling_ms = ms == 0 ? 1 : ms;
      }
      break;
    case I2C_CONFIG:
      i2c_config(p, n);
      break;
    case I2C_REQUEST:
      i2c_request(p, n);
      break;
    case SERIAL_MESSAGE:
      serial_sysex(p, n);
      break;
    case SYSEX_PULSE_COUNTER:
      pulse_sysex(p, n);
      break;
    case SYSEX_CLAMP_RMS:
      clamp_sysex(p, n);
      break;
    default:
      /* Unknown ids are ignored, as protocol.md asks of firmware that does not implement a feature. */
      break;
  }
}

static void dispatch_message(uint8_t cmd) {
  uint8_t channel = cmd & 0x0F;
  switch (cmd < 0xF0 ? (cmd & 0xF0) : cmd) {
    case DIGITAL_MESSAGE:
      pins_write_port(channel, (uint8_t)(data[0] | (data[1] << 7)));
      break;
    case REPORT_DIGITAL:
      pins_report_port(channel, data[0]);
      break;
    case REPORT_ANALOG:
      pins_report_analog(channel, data[0]);
      break;
    case SET_PIN_MODE:
      pins_set_mode(data[0], data[1]);
      break;
    case SET_DIGITAL_PIN_VALUE:
      pins_write_pin(data[0], data[1]);
      break;
    case REPORT_VERSION:
      firmata_send_version();
      break;
    case SYSTEM_RESET:
      system_reset();
      break;
    default:
      break;
  }
}

/* Data bytes each command takes; 0xFF marks a command byte this firmware does not know. */
static uint8_t data_bytes_for(uint8_t cmd) {
  switch (cmd < 0xF0 ? (cmd & 0xF0) : cmd) {
    case DIGITAL_MESSAGE:
    case SET_PIN_MODE:
    case SET_DIGITAL_PIN_VALUE:
    case ANALOG_MESSAGE: /* PWM write: parsed and ignored, no pin offers PWM */
      return 2;
    case REPORT_DIGITAL:
    case REPORT_ANALOG:
      return 1;
    case REPORT_VERSION:
    case SYSTEM_RESET:
      return 0;
    default:
      return 0xFF;
  }
}

void firmata_feed(uint8_t b) {
  if (in_sysex) {
    if (b == END_SYSEX) {
      in_sysex = 0;
      if (!sysex_overflow && sysex_len > 0) {
        dispatch_sysex(sysex[0], &sysex[1], (uint8_t)(sysex_len - 1));
      }
      return;
    }
    if (!(b & 0x80)) {
      if (sysex_len < SYSEX_MAX) {
        sysex[sysex_len++] = b;
      } else {
        sysex_overflow = 1;
      }
      return;
    }
    /* A command byte inside a sysex: the sysex was truncated. Drop it and parse b afresh. */
    in_sysex = 0;
  }

  if (b & 0x80) {
    command = 0;
    if (b == START_SYSEX) {
      in_sysex = 1;
      sysex_len = 0;
      sysex_overflow = 0;
      return;
    }
    uint8_t n = data_bytes_for(b);
    if (n == 0xFF) {
      return;
    }
    if (n == 0) {
      dispatch_message(b);
      return;
    }
    command = b;
    needed = n;
    received = 0;
    return;
  }

  if (command == 0) {
    return; /* stray data byte with no command: ignore until the next command byte */
  }
  data[received++] = b;
  if (received == needed) {
    uint8_t cmd = command;
    command = 0;
    dispatch_message(cmd);
  }
}
