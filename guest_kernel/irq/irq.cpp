// Generic interrupt handling: the timer tick drives preemption.
#include "irq/irq.h"
#include "plat/raspi3/irq.h"
#include "sched/sched.h"

// Charges the running thread one tick; reschedules when its budget is spent (at once if idle).
void handle_timer_irq() {
    plat_handle_timer_irq();
    thread* t = current_thread;
    if (!t || t->thread_ctx->type == TYPE_IDLE) {
        sched();
        return;
    }
    sched_context* sc = t->thread_ctx->sc;
    if (sc->budget > 0) sc->budget--;
    if (sc->budget == 0) sched();
}

// Another CPU put work on this CPU's queue: look at it now rather than at the next tick.
void handle_ipi() {
    thread* t = current_thread;
    if (!t || t->thread_ctx->type == TYPE_IDLE) sched();
}
