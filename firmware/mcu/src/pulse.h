/* Meter pulse counting on INT0 (D2) and INT1 (D3) (user sysex SYSEX_PULSE_COUNTER, docs/FIRMWARE.md). */
#ifndef COMMUNS_PULSE_H
#define COMMUNS_PULSE_H
#include <stdint.h>

void pulse_reset(void);
void pulse_sysex(const uint8_t *p, uint8_t n);
/* Reports channels whose count changed, and every channel once a second. Call every sampling interval. */
void pulse_poll(uint32_t now_ms);

#endif
