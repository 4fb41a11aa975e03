#include "wire-out.h"
#include <avr/pgmspace.h>
#include <string.h>
#include "protocol.h"
#include "uart.h"

void out_sysex_begin(uint8_t command) {
  uart_write(START_SYSEX);
  uart_write(command);
}

void out_sysex_end(void) { uart_write(END_SYSEX); }

void out_u7(uint8_t v) { uart_write(v & 0x7F); }

void out_u14(uint16_t v) {
  uart_write(v & 0x7F);
  uart_write((v >> 7) & 0x7F);
}

void out_u32(uint32_t v) {
  for (uint8_t i = 0; i < 5; i++) {
    uart_write(v & 0x7F);
    v >>= 7;
  }
}

void out_f32(float v) {
  uint32_t bits;
  memcpy(&bits, &v, sizeof bits);
  out_u32(bits);
}

void out_string_P(const char *progmem_text) {
  out_sysex_begin(STRING_DATA);
  for (;;) {
    char c = (char)pgm_read_byte(progmem_text++);
    if (c == 0) {
      break;
    }
    out_u14((uint8_t)c);
  }
  out_sysex_end();
}

uint16_t in_u14(const uint8_t *p) { return (uint16_t)(p[0] & 0x7F) | ((uint16_t)(p[1] & 0x7F) << 7); }

uint32_t in_u32(const uint8_t *p) {
  uint32_t v = 0;
  for (int8_t i = 4; i >= 0; i--) {
    v = (v << 7) | (p[i] & 0x7F);
  }
  return v;
}

float in_f32(const uint8_t *p) {
  uint32_t bits = in_u32(p);
  float v;
  memcpy(&v, &bits, sizeof v);
  return v;
}
