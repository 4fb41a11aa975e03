/*
 * Blocking TWI master at 100 kHz (datasheet section 22). Every wait is bounded, so a missing device
 * or a bus held low costs a few milliseconds and a STRING_DATA message, never a hang.
 */
#include "i2c.h"
#include <avr/io.h>
#include <avr/pgmspace.h>
#include <util/delay.h>
#include "pins.h"
#include "protocol.h"
#include "wire-out.h"

#define MAX_BYTES 32
#define MAX_CONTINUOUS 4
#define NO_REGISTER 0xFFFF

#define TW_START 0x08
#define TW_REP_START 0x10
#define TW_MT_SLA_ACK 0x18
#define TW_MT_DATA_ACK 0x28
#define TW_MR_SLA_ACK 0x40
#define TW_MR_DATA_ACK 0x50
#define TW_MR_DATA_NACK 0x58

enum { MODE_WRITE = 0, MODE_READ_ONCE = 1, MODE_READ_CONTINUOUS = 2, MODE_STOP = 3 };

struct continuous {
  uint8_t address;
  uint8_t restart;
  uint16_t reg;
  uint8_t count;
};

static uint8_t enabled;
static uint16_t read_delay_us;
static struct continuous reads[MAX_CONTINUOUS];
static uint8_t reads_used;
static uint8_t buf[MAX_BYTES];

static const char err_nack[] PROGMEM = "i2c: no answer from device";
static const char err_request[] PROGMEM = "i2c: bad request (7-bit address, at most 32 bytes)";
static const char err_full[] PROGMEM = "i2c: too many continuous reads (max 4)";

static uint8_t wait_twint(void) {
  for (uint16_t n = 0; n < 20000; n++) {
    if (TWCR & _BV(TWINT)) {
      return 1;
    }
    _delay_us(1);
  }
  /* Bus stuck: restart the TWI unit so the next transfer starts clean. */
  TWCR = 0;
  TWCR = _BV(TWEN);
  return 0;
}

static uint8_t status(void) { return TWSR & 0xF8; }

static uint8_t start(uint8_t sla) {
  TWCR = _BV(TWINT) | _BV(TWSTA) | _BV(TWEN);
  if (!wait_twint() || (status() != TW_START && status() != TW_REP_START)) {
    return 0;
  }
  TWDR = sla;
  TWCR = _BV(TWINT) | _BV(TWEN);
  return wait_twint() && (status() == TW_MT_SLA_ACK || status() == TW_MR_SLA_ACK);
}

static void stop(void) {
  TWCR = _BV(TWINT) | _BV(TWSTO) | _BV(TWEN);
  for (uint16_t n = 0; n < 2000 && (TWCR & _BV(TWSTO)); n++) {
    _delay_us(1);
  }
}

static uint8_t write_bytes(uint8_t address, const uint8_t *data, uint8_t count, uint8_t send_stop) {
  uint8_t ok = start((uint8_t)(address << 1));
  for (uint8_t i = 0; ok && i < count; i++) {
    TWDR = data[i];
    TWCR = _BV(TWINT) | _BV(TWEN);
    ok = wait_twint() && status() == TW_MT_DATA_ACK;
  }
  if (send_stop || !ok) {
    stop();
  }
  return ok;
}

static uint8_t read_bytes(uint8_t address, uint8_t *data, uint8_t count) {
  uint8_t ok = start((uint8_t)((address << 1) | 1));
  for (uint8_t i = 0; ok && i < count; i++) {
    uint8_t last = i + 1 == count;
    TWCR = _BV(TWINT) | _BV(TWEN) | (last ? 0 : _BV(TWEA)); /* NACK the last byte */
    ok = wait_twint() && status() == (last ? TW_MR_DATA_NACK : TW_MR_DATA_ACK);
    data[i] = TWDR;
  }
  stop();
  return ok;
}

void i2c_reset(void) {
  reads_used = 0;
  read_delay_us = 0;
  enabled = 0;
  TWCR = 0; /* hands A4/A5 back to the pin logic */
}

void i2c_enable(void) {
  if (enabled) {
    return;
  }
  enabled = 1;
  pins_set_mode(18, MODE_I2C);
  pins_set_mode(19, MODE_I2C);
  TWSR = 0;                                   /* prescaler 1 */
  TWBR = (uint8_t)((F_CPU / 100000UL - 16) / 2); /* 100 kHz SCL */
  TWCR = _BV(TWEN);
}

void i2c_config(const uint8_t *p, uint8_t n) {
  if (n >= 2) {
    read_delay_us = in_u14(p);
  }
  i2c_enable();
}

static void read_and_reply(uint8_t address, uint16_t reg, uint8_t count, uint8_t restart) {
  if (reg != NO_REGISTER) {
    uint8_t r = (uint8_t)reg;
    if (!write_bytes(address, &r, 1, !restart)) {
      out_string_P(err_nack);
      return;
    }
    for (uint16_t i = 0; i < read_delay_us; i++) {
      _delay_us(1);
    }
  }
  if (!read_bytes(address, buf, count)) {
    out_string_P(err_nack);
    return;
  }
  out_sysex_begin(I2C_REPLY);
  out_u14(address);
  /* firmata-io listens for register 0 when the request named none. */
  out_u14(reg == NO_REGISTER ? 0 : reg);
  for (uint8_t i = 0; i < count; i++) {
    out_u14(buf[i]);
  }
  out_sysex_end();
}

static void add_continuous(uint8_t address, uint16_t reg, uint8_t count, uint8_t restart) {
  struct continuous *slot = 0;
  for (uint8_t i = 0; i < reads_used; i++) {
    if (reads[i].address == address && reads[i].reg == reg) {
      slot = &reads[i];
    }
  }
  if (!slot) {
    if (reads_used == MAX_CONTINUOUS) {
      out_string_P(err_full);
      return;
    }
    slot = &reads[reads_used++];
  }
  slot->address = address;
  slot->reg = reg;
  slot->count = count;
  slot->restart = restart;
}

static void remove_continuous(uint8_t address) {
  uint8_t kept = 0;
  for (uint8_t i = 0; i < reads_used; i++) {
    if (reads[i].address != address) {
      reads[kept++] = reads[i];
    }
  }
  reads_used = kept;
}

void i2c_request(const uint8_t *p, uint8_t n) {
  /* p[0]: address LSB; p[1]: bits 3-4 mode, bit 5 10-bit address, bit 6 restart instead of stop */
  if (n < 2 || (p[1] & 0x20) || (n & 1)) {
    out_string_P(err_request);
    return;
  }
  i2c_enable();
  uint8_t address = p[0];
  uint8_t mode = (p[1] >> 3) & 0x03;
  uint8_t restart = (p[1] & 0x40) ? 1 : 0;
  uint8_t words = (uint8_t)((n - 2) / 2);
  const uint8_t *w = p + 2;

  if (mode == MODE_STOP) {
    remove_continuous(address);
    return;
  }
  if (mode == MODE_WRITE) {
    if (words > MAX_BYTES) {
      out_string_P(err_request);
      return;
    }
    for (uint8_t i = 0; i < words; i++) {
      buf[i] = (uint8_t)in_u14(w + 2 * i);
    }
    if (!write_bytes(address, buf, words, 1)) {
      out_string_P(err_nack);
    }
    return;
  }
  /* Reads carry [register] count, each as two 7-bit bytes. */
  if (words < 1 || words > 2) {
    out_string_P(err_request);
    return;
  }
  uint16_t reg = words == 2 ? in_u14(w) : NO_REGISTER;
  uint16_t count = in_u14(w + 2 * (words - 1));
  if (count == 0 || count > MAX_BYTES) {
    out_string_P(err_request);
    return;
  }
  if (mode == MODE_READ_ONCE) {
    read_and_reply(address, reg, (uint8_t)count, restart);
  } else {
    add_continuous(address, reg, (uint8_t)count, restart);
  }
}

void i2c_poll(void) {
  for (uint8_t i = 0; i < reads_used; i++) {
    read_and_reply(reads[i].address, reads[i].reg, reads[i].count, reads[i].restart);
  }
}
