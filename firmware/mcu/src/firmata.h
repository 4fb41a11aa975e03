/* Firmata byte-stream parser and command dispatch. */
#ifndef COMMUNS_FIRMATA_H
#define COMMUNS_FIRMATA_H
#include <stdint.h>

void firmata_reset(void);
void firmata_feed(uint8_t b);
void firmata_send_version(void);
void firmata_send_firmware(void);
uint16_t firmata_sampling_interval(void);

#endif
