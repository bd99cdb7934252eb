#pragma once
#include "common/types.h"

void uart_init();
void uart_send(u32 c);
// Returns a received byte, or -1 when none is waiting.
int uart_recv_nb();
