/*
 * 57600 baud is what firmata-io and johnny-five open the port at. With U2X0 and UBRR = 34 the error
 * is -0.8 % at 16 MHz (datasheet table 20-7), well inside the receiver's tolerance.
 */
#include "uart.h"
#include <avr/interrupt.h>
#include <avr/io.h>

#define RX_SIZE 128
#define TX_SIZE 128

static volatile uint8_t rx_buf[RX_SIZE];
static volatile uint8_t rx_head;
static volatile uint8_t rx_tail;
static uint8_t tx_buf[TX_SIZE];
static uint8_t tx_head;
static uint8_t tx_tail;

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

/* Transmission is polled from the main loop rather than driven by the UDRE interrupt: enabling
   that interrupt means writing UCSR0B while bytes arrive, and avr8js 0.21 (the simulator the tests
   run this image in) drops a pending receive interrupt on any UCSR0B write. Polling costs nothing
   on real hardware, since the loop runs far more often than a character time (174 us). */
void uart_pump(void) {
  if (tx_head != tx_tail && (UCSR0A & _BV(UDRE0))) {
    UDR0 = tx_buf[tx_tail];
    tx_tail = (uint8_t)((tx_tail + 1) & (TX_SIZE - 1));
  }
}

void uart_write(uint8_t b) {
  uint8_t next = (uint8_t)((tx_head + 1) & (TX_SIZE - 1));
  while (next == tx_tail) {
    uart_pump();
  }
  tx_buf[tx_head] = b;
  tx_head = next;
  uart_pump();
}
