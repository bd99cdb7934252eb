// EL0 side of svc_el0, in assembly so that SP and the registers around each SVC are under control.
// user_main(n): for i = 0..n-1 calls `svc #0x42` with x0 = i and expects i + 1 back; sums the results
// and counts errors (wrong result, SP_EL0 changed by the call). Then `svc #0x43` with x0 = sum,
// x1 = errors, x2 = calls made asks the kernel to finish; it never returns.

    .text
    .global user_main, user_svc_site, user_exit_site
user_main:
    mov     x19, x0              // n
    mov     x20, sp              // SP_EL0 at entry
    mov     x21, #0              // i
    mov     x22, #0              // sum of results
    mov     x23, #0              // errors
1:  mov     x0, x21
user_svc_site:
    svc     #0x42
    add     x22, x22, x0
    add     x21, x21, #1
    cmp     x0, x21
    cinc    x23, x23, ne         // result must be i + 1
    mov     x24, sp
    cmp     x24, x20
    cinc    x23, x23, ne         // SP_EL0 is banked: the kernel's stack use must not change it
    cmp     x21, x19
    b.lo    1b
    mov     x0, x22
    mov     x1, x23
    mov     x2, x21
user_exit_site:
    svc     #0x43
    udf     #0                   // not reached: an unexpected trap ends the run (EXIT_UNEXPECTED_TRAP)

// void enter_el0(void (*fn)(uint64_t), uint64_t arg, uint64_t user_sp): ERET to fn at EL0t.
    .global enter_el0
enter_el0:
    msr     sp_el0, x2
    msr     elr_el1, x0
    msr     spsr_el1, xzr        // EL0t, DAIF clear, flags clear
    mov     x0, x1
    isb
    eret
