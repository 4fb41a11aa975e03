/*
 * The ADC belongs to one sequencer, paced by Timer1: on each tick it converts the clamp's current
 * channel, then its voltage channel, then one of the channels the host asked to have reported.
 */
#ifndef COMMUNS_ADC_H
#define COMMUNS_ADC_H
#include <stdint.h>

#define ADC_NO_CHANNEL 0xFF

void adc_init(void);
/* Sets the tick rate in Hz (the clamp's sample rate). */
void adc_set_rate(uint16_t hz);
/* Channels whose value adc_scan_value keeps fresh, one bit per channel. */
void adc_set_scan(uint8_t mask);
uint16_t adc_scan_value(uint8_t channel);
/* Channels the clamp samples every tick; ADC_NO_CHANNEL turns one (or both) off. */
void adc_set_clamp(uint8_t current_channel, uint8_t voltage_channel);

#endif
