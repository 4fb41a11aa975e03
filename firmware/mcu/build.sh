#!/bin/sh
# Builds communs-firmata.hex with Debian's gcc-avr. Usage: build.sh [output-dir]
# Reproducible: no debug info, fixed source order, relative paths only, and the Intel HEX format
# carries no timestamp, so the same toolchain gives the same bytes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
if ! command -v avr-gcc >/dev/null 2>&1; then
  echo "avr-gcc not found: install it with \`sudo apt-get install gcc-avr avr-libc binutils-avr\`" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$here/src"
avr-gcc -mmcu=atmega328p -DF_CPU=16000000UL -std=gnu99 -Os -Wall -Wextra -Werror \
  -ffunction-sections -fdata-sections -Wl,--gc-sections \
  -o "$work/communs-firmata.elf" \
  main.c adc.c clamp.c clock.c firmata.c i2c.c pins.c pulse.c serial.c uart.c wire-out.c -lm
avr-objcopy -O ihex -R .eeprom "$work/communs-firmata.elf" "$out/communs-firmata.hex"
avr-size "$work/communs-firmata.elf"
