/* long __syscall(long nr, long a1, ..., long a6): one system call through int 0x80 with the
 * Linux i386 convention (number in %eax; arguments in %ebx %ecx %edx %esi %edi %ebp; result in
 * %eax, -4095..-1 meaning -errno). Callee-saved registers the convention uses are saved here.
 * __restore_rt is the return address of a signal handler frame: it makes rt_sigreturn (173). */
    .text
    .globl __syscall
    .type __syscall, @function
__syscall:
    pushl %ebp
    pushl %edi
    pushl %esi
    pushl %ebx
    movl 20(%esp), %eax
    movl 24(%esp), %ebx
    movl 28(%esp), %ecx
    movl 32(%esp), %edx
    movl 36(%esp), %esi
    movl 40(%esp), %edi
    movl 44(%esp), %ebp
    int $0x80
    popl %ebx
    popl %esi
    popl %edi
    popl %ebp
    ret
    .size __syscall, . - __syscall

    .globl __restore_rt
    .type __restore_rt, @function
__restore_rt:
    movl $173, %eax
    int $0x80
    hlt
    .size __restore_rt, . - __restore_rt

/* int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...): the child starts on
 * `stack` with fn and arg already pushed there, calls fn(arg) and exits with its result. */
    .globl clone
    .type clone, @function
clone:
    pushl %ebx
    pushl %esi
    pushl %edi
    movl 20(%esp), %ecx        /* stack */
    andl $-16, %ecx
    subl $8, %ecx
    movl 28(%esp), %eax        /* arg */
    movl %eax, 4(%ecx)
    movl 16(%esp), %eax        /* fn */
    movl %eax, (%ecx)
    movl 24(%esp), %ebx        /* flags */
    xorl %edx, %edx            /* parent_tid */
    xorl %esi, %esi            /* tls */
    xorl %edi, %edi            /* child_tid */
    movl $120, %eax
    int $0x80
    testl %eax, %eax
    jz 1f
    popl %edi
    popl %esi
    popl %ebx
    cmpl $-4095, %eax
    jae 2f
    ret
2:  negl %eax
    movl %eax, errno
    movl $-1, %eax
    ret
1:  xorl %ebp, %ebp            /* child: on the new stack, fn at (%esp), arg at 4(%esp) */
    popl %eax
    call *%eax
    movl %eax, %ebx
    movl $1, %eax              /* exit */
    int $0x80
    hlt
    .size clone, . - clone
