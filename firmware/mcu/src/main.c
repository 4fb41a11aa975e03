/*
 * communs-firmata: Firmata 2.5 for the ATmega328P at 16 MHz, written for Communs from the protocol
 * documentation (https://github.com/firmata/protocol), with energy-metering extensions
 * (docs/FIRMWARE.md).
 */
#include <avr/interrupt.h>
#include "adc.h"
#include "clamp.h"
#include "clock.h"
#include "firmata.h"
#include "i2c.h"
#include "pins.h"
#include "pulse.h"
#include "serial.h"
#include "uart.h"

int main(void) {
  clock_init();
  uart_init();
  adc_init();
  serial_init();
  pins_reset();
  clamp_reset();
  pulse_reset();
  i2c_reset();
  firmata_reset();
  sei();

  /* protocol.md: the firmware announces itself at start, which is what firmata-io waits for. */
  firmata_send_version();
  firmata_send_firmware();

  uint32_t last_sample = clock_millis();
  for (;;) {
    uart_pump();
    int16_t b;
    while ((b = uart_read()) >= 0) {
      firmata_feed((uint8_t)b);
    }
    pins_poll_digital();
    clamp_poll();
    uint32_t now = clock_millis();
    serial_poll(now);
    if (now - last_sample >= firmata_sampling_interval()) {
      last_sample = now;
      pins_send_analog();
      i2c_poll();
      pulse_poll(now);
    }
  }
}
