/*
 * 57600 baud is what firmata-io and johnny-five open the port at. With U2X0 and UBRR = 34 the error
 * is -0.8 % at 16 MHz (datasheet table 20-7), well inside the receiver's tolerance.
 */
#include "uart.h"
#include <avr/interrupt.h>
#include <avr/io.h>
#include <util/atomic.h>

#define RX_SIZE 128
#define TX_SIZE 128

static volatile uint8_t rx_buf[RX_SIZE];
static volatile uint8_t rx_head;
static volatile uint8_t rx_tail;
static volatile uint8_t tx_buf[TX_SIZE];
static volatile uint8_t tx_head;
static volatile uint8_t tx_tail;

void uart_init(void) {
  UCSR0A = _BV(U2X0);
  UBRR0 = 34;
  UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
  UCSR0B = _BV(RXEN0) | _BV(TXEN0) | _BV(RXCIE0);
}

ISR(USART_RX_vect) {
  uint8_t b = UDR0;
  uint8_t next = (uint8_t)((rx_head + 1) & (RX_SIZE - 1));
  /* On overflow the newest byte is dropped; the Firmata parser resynchronises on the next command. */
  if (next != rx_tail) {
    rx_buf[rx_head] = b;
    rx_head = next;
  }
}

int16_t uart_read(void) {
  if (rx_head == rx_tail) {
    return -1;
  }
  uint8_t b = rx_buf[rx_tail];
  rx_tail = (uint8_t)((rx_tail + 1) & (RX_SIZE - 1));
  return b;
}

void uart_write(uint8_t b) {
  uint8_t next = (uint8_t)((tx_head + 1) & (TX_SIZE - 1));
  while (next == tx_tail) {
    /* The data-register-empty interrupt drains the buffer meanwhile. */
  }
  tx_buf[tx_head] = b;
  tx_head = next;
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) { UCSR0B |= _BV(UDRIE0); }
}

/* Sends the next byte and disables itself as soon as the buffer is empty, so the vector never runs
   with nothing to send (avr8js, like some AVR cores, clears UDRE when the vector is taken, which
   would leave a later UDRIE waiting for a flag that never comes back). */
ISR(USART_UDRE_vect) {
  if (tx_head != tx_tail) {
    UDR0 = tx_buf[tx_tail];
    tx_tail = (uint8_t)((tx_tail + 1) & (TX_SIZE - 1));
  }
  if (tx_head == tx_tail) {
    UCSR0B &= (uint8_t)~_BV(UDRIE0);
  }
}
