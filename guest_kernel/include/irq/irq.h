#pragma once
void handle_timer_irq();
void handle_ipi();
