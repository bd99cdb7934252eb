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

u32 ipi_count[PLAT_CPU_NUM];

// Another CPU put work on this CPU's queue (look at it now rather than at the next tick, if idle),
// or asked it to reschedule (sched_kick: e.g. its running thread was moved to another CPU).
void handle_ipi() {
    __atomic_fetch_add(&ipi_count[smp_get_cpu_id()], 1u, __ATOMIC_RELAXED);
    const bool kicked = sched_take_kick();
    thread* t = current_thread;
    if (kicked || !t || t->thread_ctx->type == TYPE_IDLE) sched();
}
