// uart_hello: the console works and the runtime gets core 0 to EL1 with a usable stack.
// Prints a greeting and a few formatted numbers; exit 0 (1 if core 0 did not end up at EL1).
#include "guest.h"

int guest_main(unsigned core) {
    if (core != 0) return 0;                      // other cores (if started) just park
    kprintf("hello from chemu guest\n");
    kprintf("running on core %u at EL%u\n", core, current_el());
    kprintf("hex 0x%016lx, dec %d %u\n", 0x0123456789abcdefull, -42, 4000000000u);
    if (current_el() != 1) return 1;
    kprintf("uart_hello: PASS\n");
    return 0;
}
