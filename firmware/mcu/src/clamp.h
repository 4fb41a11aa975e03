/* Current clamp RMS metering (user sysex SYSEX_CLAMP_RMS, docs/FIRMWARE.md). */
#ifndef COMMUNS_CLAMP_H
#define COMMUNS_CLAMP_H
#include <stdint.h>

void clamp_reset(void);
void clamp_sysex(const uint8_t *p, uint8_t n);
/* Called by the ADC sequencer with raw 10-bit samples; voltage is 0 when no voltage pin is set. */
void clamp_sample_isr(uint16_t current, uint16_t voltage);
/* Reports a finished window, if any. Call every loop. */
void clamp_poll(void);

#endif
