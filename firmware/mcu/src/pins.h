/* Pin modes, digital input/output and digital/analog reporting for the 20 pins of an Uno/Nano. */
#ifndef COMMUNS_PINS_H
#define COMMUNS_PINS_H
#include <stdint.h>

#define TOTAL_PINS 20
#define FIRST_ANALOG_PIN 14
#define ANALOG_CHANNELS 6

void pins_reset(void);
void pins_set_mode(uint8_t pin, uint8_t mode);
void pins_write_port(uint8_t port, uint8_t value);
void pins_write_pin(uint8_t pin, uint8_t value);
void pins_report_port(uint8_t port, uint8_t enable);
void pins_report_analog(uint8_t channel, uint8_t enable);
void pins_send_capabilities(void);
void pins_send_analog_mapping(void);
void pins_send_state(uint8_t pin);
/* For the software serial port: gives a pin the SERIAL mode, as the idle-high TX output or as the
   pulled-up RX input; release puts a SERIAL pin back to INPUT. */
void pins_claim_serial(uint8_t pin, uint8_t is_tx);
void pins_release_serial(uint8_t pin);
/* PINx, PORTx and the bit of a pin 0-19. */
volatile uint8_t *pins_in_reg(uint8_t pin);
volatile uint8_t *pins_port_reg(uint8_t pin);
uint8_t pins_mask(uint8_t pin);
/* Sends DIGITAL_MESSAGE for each reported port whose inputs changed. Call every loop. */
void pins_poll_digital(void);
/* Sends ANALOG_MESSAGE for each reported channel. Call every sampling interval. */
void pins_send_analog(void);

#endif
