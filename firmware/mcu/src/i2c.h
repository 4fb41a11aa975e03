/* Firmata I2C (i2c.md): I2C_CONFIG and I2C_REQUEST on the TWI hardware, replies as I2C_REPLY. */
#ifndef COMMUNS_I2C_H
#define COMMUNS_I2C_H
#include <stdint.h>

void i2c_reset(void);
void i2c_enable(void);
void i2c_config(const uint8_t *p, uint8_t n);
void i2c_request(const uint8_t *p, uint8_t n);
/* Performs the continuous reads. Call every sampling interval. */
void i2c_poll(void);

#endif
