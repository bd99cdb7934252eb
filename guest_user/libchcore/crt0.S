// Program entry: the kernel starts the main thread here with sp at the top of its stack.
    .section .text.start, "ax"
    .globl _start
_start:
    mov     x29, #0
    mov     x30, #0
    bl      main
    bl      usys_exit           // exit(main's return value); never returns
1:  b       1b
