/* One software serial port, Firmata SW_SERIAL0, at 9600 baud 8N1 (serial.md, docs/FIRMWARE.md). */
#ifndef COMMUNS_SERIAL_H
#define COMMUNS_SERIAL_H
#include <stdint.h>

/* Starts Timer2, which paces both directions. Call once at boot. */
void serial_init(void);
/* Stops the port and gives its pins back as inputs. Safe when it is closed. */
void serial_close(void);
/* A SERIAL_MESSAGE (0x60) sysex payload: config, write, read, close, flush, listen. */
void serial_sysex(const uint8_t *p, uint8_t n);
/* Sends what was received as SERIAL_REPLY while continuous reading is on. Call every loop. */
void serial_poll(uint32_t now_ms);

#endif
