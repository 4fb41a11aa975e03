/* Millisecond tick and microsecond timestamps from Timer0. */
#ifndef COMMUNS_CLOCK_H
#define COMMUNS_CLOCK_H
#include <stdint.h>

void clock_init(void);
uint32_t clock_millis(void);
/* Only from an ISR or with interrupts disabled: no locking of its own. */
uint32_t clock_micros_unlocked(void);

#endif
