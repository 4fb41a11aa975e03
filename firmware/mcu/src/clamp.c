/*
 * Samples at 40 points per mains cycle (2 kHz at 50 Hz, 2.4 kHz at 60 Hz) over a whole number of
 * cycles, so the window's mean is the DC bias of the clamp's burden circuit and is removed exactly:
 * var = sum(x^2)/n - (sum(x)/n)^2, real power = sum(i*v)/n - mean(i)*mean(v).
 * Samples are centred on 512 before squaring so the sums fit 32 bits for windows up to 100 cycles
 * (512^2 * 4000 < 2^31).
 */
#include "clamp.h"
#include <avr/pgmspace.h>
#include <math.h>
#include <util/atomic.h>
#include "adc.h"
#include "protocol.h"
#include "wire-out.h"

#define SAMPLES_PER_CYCLE 40
#define MAX_CYCLES 100

enum { SUB_CONFIG = 0x00, SUB_CALIBRATE = 0x01, SUB_QUERY = 0x02, SUB_REPORT = 0x03 };

struct sums {
  int32_t i;
  uint32_t ii;
  int32_t v;
  uint32_t vv;
  int32_t iv;
  uint16_t n;
};

static struct sums acc;      /* ISR only */
static struct sums finished; /* written by the ISR, read under ATOMIC_BLOCK */
static volatile uint8_t finished_ready;
static volatile uint16_t window;

static uint8_t enabled;
static uint8_t has_voltage;
static float current_cal;
static float voltage_cal;
static float vref;
static float last_irms;
static float last_vrms;
static float last_power;
static uint16_t last_n;

static const char err_config[] PROGMEM = "clamp: bad config (channel 0-5, voltage 0-5 or 127, 50/60 Hz, 1-100 cycles)";
static const char err_cal[] PROGMEM = "clamp: calibration needs 15 bytes (3 floats)";

static void clear_sums(struct sums *s) {
  s->i = 0;
  s->ii = 0;
  s->v = 0;
  s->vv = 0;
  s->iv = 0;
  s->n = 0;
}

void clamp_reset(void) {
  adc_set_clamp(ADC_NO_CHANNEL, ADC_NO_CHANNEL);
  adc_set_rate(50 * SAMPLES_PER_CYCLE);
  enabled = 0;
  has_voltage = 0;
  current_cal = 1.0f;
  voltage_cal = 1.0f;
  vref = 5.0f;
  last_irms = 0;
  last_vrms = 0;
  last_power = 0;
  last_n = 0;
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
    clear_sums(&acc);
    finished_ready = 0;
    window = 10 * SAMPLES_PER_CYCLE;
  }
}

void clamp_sample_isr(uint16_t current, uint16_t voltage) {
  int16_t xi = (int16_t)current - 512;
  int16_t xv = (int16_t)voltage - 512;
  acc.i += xi;
  acc.ii += (uint32_t)((int32_t)xi * xi);
  acc.v += xv;
  acc.vv += (uint32_t)((int32_t)xv * xv);
  acc.iv += (int32_t)xi * xv;
  if (++acc.n >= window) {
    finished = acc;
    finished_ready = 1;
    clear_sums(&acc);
  }
}

static float rms(int32_t sum, uint32_t sum_sq, float n) {
  float mean = (float)sum / n;
  float var = (float)sum_sq / n - mean * mean;
  return var > 0 ? sqrtf(var) : 0;
}

static void send_report(void) {
  out_sysex_begin(SYSEX_CLAMP_RMS);
  out_u7(SUB_REPORT);
  out_u7(has_voltage);
  out_u32(last_n);
  out_f32(last_irms);
  out_f32(last_vrms);
  out_f32(last_power);
  out_sysex_end();
}

void clamp_poll(void) {
  if (!finished_ready) {
    return;
  }
  struct sums s;
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
    s = finished;
    finished_ready = 0;
  }
  if (!enabled || s.n == 0) {
    return;
  }
  float n = (float)s.n;
  float volts_per_count = vref / 1024.0f;
  last_n = s.n;
  last_irms = rms(s.i, s.ii, n) * volts_per_count * current_cal;
  if (has_voltage) {
    last_vrms = rms(s.v, s.vv, n) * volts_per_count * voltage_cal;
    float mi = (float)s.i / n;
    float mv = (float)s.v / n;
    float p = (float)s.iv / n - mi * mv;
    last_power = p * volts_per_count * volts_per_count * current_cal * voltage_cal;
  }
  send_report();
}

static void configure(const uint8_t *p, uint8_t n) {
  /* current channel, voltage channel (127 = none), mains Hz, cycles per window, enable */
  if (n < 5) {
    out_string_P(err_config);
    return;
  }
  uint8_t ci = p[0];
  uint8_t cv = p[1];
  uint8_t hz = p[2];
  uint8_t cycles = p[3];
  if (ci > 5 || (cv > 5 && cv != 0x7F) || cv == ci || (hz != 50 && hz != 60) || cycles < 1 ||
      cycles > MAX_CYCLES) {
    out_string_P(err_config);
    return;
  }
  enabled = p[4] & 1;
  has_voltage = cv != 0x7F;
  adc_set_clamp(ADC_NO_CHANNEL, ADC_NO_CHANNEL);
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
    clear_sums(&acc);
    finished_ready = 0;
    window = (uint16_t)cycles * SAMPLES_PER_CYCLE;
  }
  adc_set_rate((uint16_t)hz * SAMPLES_PER_CYCLE);
  if (enabled) {
    adc_set_clamp(ci, has_voltage ? cv : ADC_NO_CHANNEL);
  }
}

void clamp_sysex(const uint8_t *p, uint8_t n) {
  if (n < 1) {
    return;
  }
  switch (p[0]) {
    case SUB_CONFIG:
      configure(p + 1, (uint8_t)(n - 1));
      break;
    case SUB_CALIBRATE:
      if (n < 16) {
        out_string_P(err_cal);
        return;
      }
      current_cal = in_f32(p + 1);
      voltage_cal = in_f32(p + 6);
      vref = in_f32(p + 11);
      break;
    case SUB_QUERY:
      send_report();
      break;
    default:
      break;
  }
}
