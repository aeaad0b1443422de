/* _start: the first user instruction of every program. Linux's execve leaves the stack as the
 * i386 SysV ABI says: (%esp) = argc, then argv[0..argc-1], NULL, envp[...], NULL, the aux vector.
 * Registers other than %esp carry nothing (%edx may hold an atexit function on some systems; we
 * ignore it, as static programs may). Clear %ebp so backtraces end here, align the stack to 16
 * bytes as the ABI asks at a call, and hand argc, argv, envp to __libc_start. */
    .text
    .globl _start
    .type _start, @function
_start:
    xorl %ebp, %ebp
    movl (%esp), %eax          /* argc */
    leal 4(%esp), %ecx         /* argv */
    leal 8(%esp,%eax,4), %edx  /* envp = argv + argc + 1 */
    andl $-16, %esp
    subl $4, %esp              /* 3 pushes + this = 16 */
    pushl %edx
    pushl %ecx
    pushl %eax
    call __libc_start
    hlt                        /* not reached: __libc_start exits */
    .size _start, . - _start
