/* Encoders for what the firmware sends: everything above 7 bits is split into 7-bit data bytes. */
#ifndef COMMUNS_WIRE_OUT_H
#define COMMUNS_WIRE_OUT_H
#include <stdint.h>

void out_sysex_begin(uint8_t command);
void out_sysex_end(void);
void out_u7(uint8_t v);
/* 14 bits, LSB first (two bytes), the usual Firmata encoding. */
void out_u14(uint16_t v);
/* 32 bits in five bytes, LSB first: bits 0-6, 7-13, 14-20, 21-27, 28-31. */
void out_u32(uint32_t v);
/* IEEE 754 binary32 bit pattern, sent as out_u32. */
void out_f32(float v);
/* STRING_DATA with a message from program memory, for errors a person reads on the host. */
void out_string_P(const char *progmem_text);

/* Decoders for received payloads, matching the encoders above. */
uint16_t in_u14(const uint8_t *p);
uint32_t in_u32(const uint8_t *p);
float in_f32(const uint8_t *p);

#endif
