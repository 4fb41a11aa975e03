/* USART0 at 57600 baud 8N1: interrupt-driven receive buffer, polled transmit buffer. */
#ifndef COMMUNS_UART_H
#define COMMUNS_UART_H
#include <stdint.h>

void uart_init(void);
/* Next received byte, or -1 when none is waiting. */
int16_t uart_read(void);
/* Queues one byte; waits while the transmit buffer is full. Never call from an ISR. */
void uart_write(uint8_t b);
/* Moves the next queued byte to the USART when it is free. Call every loop. */
void uart_pump(void);

#endif
