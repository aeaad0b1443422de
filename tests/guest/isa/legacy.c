/* Instructions that exist only outside 64-bit mode, so the host CPU cannot be the oracle:
 * DAA DAS AAA AAS AAM AAD (incl. AAM 0 -> #DE), INTO, BOUND, PUSHA/POPA, LDS/LES, the one-byte
 * INC/DEC (40-4F) and PUSH/POP of segment registers.
 *
 * Each group runs thousands of operand/flag combinations from a fixed PRNG and prints one line
 * with a hash of the results (flags the SDM leaves undefined are masked out), so the same image
 * on vx86 and on QEMU must print the same lines. Exceptions (#DE #OF #BR #UD #GP ...) go
 * through our own IDT: the handler records the vector (and error code) and resumes at the
 * address the test stored in isa_resume. Instructions are written as .byte where an assembler
 * might pick another encoding. */
#include "vxlib.h"
#include "arch/x86.h"

#define NO_VECTOR 0xFFFFFFFFu

/* ---- exception capture ---- */
volatile uint32_t isa_last_vector = NO_VECTOR;
volatile uint32_t isa_last_error;
volatile uint32_t isa_resume;

/* Handlers use %ss: so they work whatever a test left in DS. Vectors 8, 10-14 and 17 push an
 * error code, which is recorded and dropped before IRET. */
#define TRAP(v)                                                                                  \
    ".globl isa_trap_" #v "\nisa_trap_" #v ":\n"                                                 \
    "  movl $" #v ", %ss:isa_last_vector\n"                                                      \
    "  movl $0, %ss:isa_last_error\n"                                                            \
    "  pushl %eax\n  movl %ss:isa_resume, %eax\n  movl %eax, %ss:4(%esp)\n  popl %eax\n  iret\n"
#define TRAP_ERR(v)                                                                              \
    ".globl isa_trap_" #v "\nisa_trap_" #v ":\n"                                                 \
    "  movl $" #v ", %ss:isa_last_vector\n"                                                      \
    "  popl %ss:isa_last_error\n"                                                                \
    "  pushl %eax\n  movl %ss:isa_resume, %eax\n  movl %eax, %ss:4(%esp)\n  popl %eax\n  iret\n"

__asm__(".text\n" TRAP(0) TRAP(1) TRAP(2) TRAP(3) TRAP(4) TRAP(5) TRAP(6) TRAP(7) TRAP_ERR(8) TRAP(9)
        TRAP_ERR(10) TRAP_ERR(11) TRAP_ERR(12) TRAP_ERR(13) TRAP_ERR(14) TRAP(15) TRAP(16)
        TRAP_ERR(17) TRAP(18) TRAP(19));

extern char isa_trap_0[], isa_trap_1[], isa_trap_2[], isa_trap_3[], isa_trap_4[], isa_trap_5[],
    isa_trap_6[], isa_trap_7[], isa_trap_8[], isa_trap_9[], isa_trap_10[], isa_trap_11[],
    isa_trap_12[], isa_trap_13[], isa_trap_14[], isa_trap_15[], isa_trap_16[], isa_trap_17[],
    isa_trap_18[], isa_trap_19[];

struct idt_gate {
    uint16_t offset_low, selector;
    uint8_t zero, type;
    uint16_t offset_high;
} __attribute__((packed));

static struct idt_gate idt[20];

/* The Multiboot spec leaves GDTR undefined (QEMU happens to leave a usable one), and
 * exception delivery and segment loads read it: bring our own flat GDT. */
#define CODE_SEL 0x08
#define DATA_SEL 0x10
static const uint64_t gdt[3] = {
    0,
    0x00CF9A000000FFFFull,   /* flat 32-bit code, DPL 0 */
    0x00CF92000000FFFFull,   /* flat data, DPL 0 */
};

static void install_gdt(void)
{
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) gdtr = { sizeof gdt - 1, (uint32_t)(uintptr_t)gdt };
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp $0x08, $1f\n1:\n\t"
                     "movw $0x10, %%ax\n\tmovw %%ax, %%ds\n\tmovw %%ax, %%es\n\t"
                     "movw %%ax, %%fs\n\tmovw %%ax, %%gs\n\tmovw %%ax, %%ss\n\t"
                     :
                     : "m"(gdtr)
                     : "eax", "memory");
}

static void install_idt(void)
{
    char *const handlers[20] = {
        isa_trap_0, isa_trap_1, isa_trap_2, isa_trap_3, isa_trap_4, isa_trap_5, isa_trap_6,
        isa_trap_7, isa_trap_8, isa_trap_9, isa_trap_10, isa_trap_11, isa_trap_12, isa_trap_13,
        isa_trap_14, isa_trap_15, isa_trap_16, isa_trap_17, isa_trap_18, isa_trap_19,
    };
    uint16_t cs = CODE_SEL;
    for (int v = 0; v < 20; v++) {
        uint32_t off = (uint32_t)(uintptr_t)handlers[v];
        idt[v] = (struct idt_gate){ (uint16_t)off, cs, 0, 0x8E, (uint16_t)(off >> 16) };
    }
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) idtr = { sizeof idt - 1, (uint32_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" : : "m"(idtr));
}

/* ---- PRNG and result hashing ---- */
static uint32_t rng = 0x1234567u;
static uint32_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static const uint32_t edges[] = { 0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF,
                                  0x80000000, 0xFFFFFFFF, 0x99, 0x9A, 0x0A, 0xF9, 0x100 };
static uint32_t next_value(void)
{
    uint32_t r = next_random();
    return (r & 3) == 0 ? edges[(r >> 2) % (sizeof edges / sizeof edges[0])] : next_random();
}

typedef struct result {
    const char *name;
    uint32_t hash;
    uint32_t cases;
    uint32_t exceptions;
} result;

static void mix(result *r, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        r->hash ^= (v >> (8 * i)) & 0xFF;
        r->hash *= 16777619u;
    }
}

static void begin(result *r, const char *name)
{
    r->name = name;
    r->hash = 2166136261u;
    r->cases = 0;
    r->exceptions = 0;
}

static void record_exception(result *r)
{
    mix(r, isa_last_vector);
    mix(r, isa_last_error);
    if (isa_last_vector != NO_VECTOR)
        r->exceptions++;
    isa_last_vector = NO_VECTOR;
    isa_last_error = 0;
}

static void report(const result *r)
{
    printf("%s: cases=%u exceptions=%u hash=%08x\n", r->name, (unsigned)r->cases, (unsigned)r->exceptions,
           (unsigned)r->hash);
}

/* ---- BCD adjusts ---- */
/* Runs `insn` (a string of .byte) with EAX and EFLAGS given; returns EAX, flags via *fl. */
#define RUN_EAX(insn, eax_in, fl_in, fl_out)                                                     \
    ({                                                                                           \
        uint32_t eax_ = (eax_in);                                                                \
        __asm__ volatile("movl $1f, isa_resume\n\t"                                              \
                         "pushl %[fin]\n\tpopfl\n\t" insn "\n1:\n\t"                             \
                         "pushfl\n\tpopl %[fout]\n\t"                                            \
                         : "+a"(eax_), [fout] "=&r"(fl_out)                                      \
                         : [fin] "r"((fl_in) | 2u)                                               \
                         : "cc", "memory");                                                      \
        eax_;                                                                                    \
    })

static void test_bcd(const char *name, int which, uint32_t defined)
{
    result r;
    begin(&r, name);
    for (uint32_t round = 0; round < 4; round++) {
        for (uint32_t al = 0; al < 256; al++) {
            for (uint32_t fin = 0; fin < 4; fin++) {
                uint32_t fl_in = ((fin & 1) ? F_CF : 0) | ((fin & 2) ? F_AF : 0) | (next_random() & (F_SF | F_ZF | F_PF | F_OF));
                uint32_t eax = (next_value() & 0xFFFFFF00u) | al;
                uint32_t out = 0, fl = 0;
                switch (which) {
                case 0: out = RUN_EAX(".byte 0x27", eax, fl_in, fl); break;   /* daa */
                case 1: out = RUN_EAX(".byte 0x2F", eax, fl_in, fl); break;   /* das */
                case 2: out = RUN_EAX(".byte 0x37", eax, fl_in, fl); break;   /* aaa */
                default: out = RUN_EAX(".byte 0x3F", eax, fl_in, fl); break;  /* aas */
                }
                mix(&r, out);
                mix(&r, fl & defined);
                record_exception(&r);
                r.cases++;
                if (round == 0 && al == 0x9A && fin == 3)
                    printf("%s sample: eax=%08x fl=%03x -> eax=%08x fl=%03x\n", name, (unsigned)eax,
                           (unsigned)fl_in, (unsigned)out, (unsigned)(fl & defined));
            }
        }
    }
    report(&r);
}

#define AAM_CASE(imm)                                                                            \
    case imm: out = RUN_EAX(".byte 0xD4, " #imm, eax, fl_in, fl); break;
#define AAD_CASE(imm)                                                                            \
    case imm: out = RUN_EAX(".byte 0xD5, " #imm, eax, fl_in, fl); break;

static const uint32_t aam_bases[] = { 10, 0, 1, 2, 3, 7, 16, 100, 128, 255 };

static void test_aam_aad(int aad)
{
    result r;
    begin(&r, aad ? "aad" : "aam");
    for (uint32_t k = 0; k < sizeof aam_bases / sizeof aam_bases[0]; k++) {
        for (uint32_t i = 0; i < 512; i++) {
            uint32_t eax = next_value();
            if (i < 256)
                eax = (eax & 0xFFFFFF00u) | i;
            uint32_t fl_in = next_random() & F_ARITH;
            uint32_t out = 0, fl = 0;
            if (!aad) {
                switch (aam_bases[k]) {
                AAM_CASE(10) AAM_CASE(0) AAM_CASE(1) AAM_CASE(2) AAM_CASE(3) AAM_CASE(7)
                AAM_CASE(16) AAM_CASE(100) AAM_CASE(128) AAM_CASE(255)
                }
            } else {
                switch (aam_bases[k]) {
                AAD_CASE(10) AAD_CASE(0) AAD_CASE(1) AAD_CASE(2) AAD_CASE(3) AAD_CASE(7)
                AAD_CASE(16) AAD_CASE(100) AAD_CASE(128) AAD_CASE(255)
                }
            }
            /* SF ZF PF defined; after #DE the flags are the incoming ones, all comparable */
            uint32_t mask = isa_last_vector == NO_VECTOR ? (F_SF | F_ZF | F_PF) : F_ARITH;
            mix(&r, out);
            mix(&r, fl & mask);
            record_exception(&r);
            r.cases++;
        }
    }
    report(&r);
}

/* ---- INTO ---- */
static void test_into(void)
{
    result r;
    begin(&r, "into");
    for (uint32_t i = 0; i < 64; i++) {
        uint32_t fl_in = next_random() & F_ARITH;
        uint32_t fl = 0;
        uint32_t eax = RUN_EAX(".byte 0xCE", i, fl_in, fl);
        mix(&r, eax);
        mix(&r, fl & F_ARITH);
        record_exception(&r);
        r.cases++;
    }
    report(&r);
}

/* ---- BOUND ---- */
volatile int32_t isa_bounds32[2];
volatile int16_t isa_bounds16[2];

static void test_bound(void)
{
    result r;
    begin(&r, "bound");
    for (uint32_t i = 0; i < 4000; i++) {
        uint32_t fl = 0;
        int32_t lo = (int32_t)next_value(), hi = (int32_t)next_value();
        if (i & 1) {
            /* make in-range indexes common */
            lo = (int32_t)(next_random() % 2000) - 1000;
            hi = lo + (int32_t)(next_random() % 2000);
        }
        uint32_t index = (i & 2) ? (uint32_t)(lo + (int32_t)(next_random() % 64) - 8) : next_value();
        uint32_t eax = index;
        if (i & 4) {
            isa_bounds16[0] = (int16_t)lo;
            isa_bounds16[1] = (int16_t)hi;
            __asm__ volatile("movl $1f, isa_resume\n\t"
                             ".byte 0x66, 0x62, 0x01\n1:\n\t"   /* bound ax, [ecx] */
                             "pushfl\n\tpopl %[fl]\n\t"
                             : "+a"(eax), [fl] "=&r"(fl)
                             : "c"(isa_bounds16)
                             : "cc", "memory");
        } else {
            isa_bounds32[0] = lo;
            isa_bounds32[1] = hi;
            __asm__ volatile("movl $1f, isa_resume\n\t"
                             ".byte 0x62, 0x01\n1:\n\t"         /* bound eax, [ecx] */
                             "pushfl\n\tpopl %[fl]\n\t"
                             : "+a"(eax), [fl] "=&r"(fl)
                             : "c"(isa_bounds32)
                             : "cc", "memory");
        }
        (void)fl;   /* BOUND leaves the flags alone; they hold whatever came before */
        mix(&r, eax);
        record_exception(&r);
        r.cases++;
    }
    report(&r);
}

/* ---- one-byte INC/DEC ---- */
#define RUN_INCDEC(bytes, reg, v, fl_in, fl_out)                                                 \
    __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" bytes "\n\tpushfl\n\tpopl %[fout]\n\t"          \
                     : "+" reg(v), [fout] "=&S"(fl_out)                                          \
                     : [fin] "D"((fl_in) | 2u)                                                   \
                     : "cc")

static void test_incdec(void)
{
    result r;
    begin(&r, "inc/dec r");
    for (uint32_t i = 0; i < 1500; i++) {
        uint32_t v = next_value(), fl_in = next_random() & F_ARITH, fl = 0;
        /* the register number goes into the opcode's low bits: 40+r inc, 48+r dec */
        for (int op = 0; op < 16; op++) {
            uint32_t x = v;
            switch (op) {
            case 0: RUN_INCDEC(".byte 0x40", "a", x, fl_in, fl); break;
            case 1: RUN_INCDEC(".byte 0x41", "c", x, fl_in, fl); break;
            case 2: RUN_INCDEC(".byte 0x42", "d", x, fl_in, fl); break;
            case 3: RUN_INCDEC(".byte 0x43", "b", x, fl_in, fl); break;
            case 4: RUN_INCDEC(".byte 0x48", "a", x, fl_in, fl); break;
            case 5: RUN_INCDEC(".byte 0x49", "c", x, fl_in, fl); break;
            case 6: RUN_INCDEC(".byte 0x4A", "d", x, fl_in, fl); break;
            case 7: RUN_INCDEC(".byte 0x4B", "b", x, fl_in, fl); break;
            case 8: RUN_INCDEC(".byte 0x66, 0x40", "a", x, fl_in, fl); break;
            case 9: RUN_INCDEC(".byte 0x66, 0x41", "c", x, fl_in, fl); break;
            case 10: RUN_INCDEC(".byte 0x66, 0x4A", "d", x, fl_in, fl); break;
            case 11: RUN_INCDEC(".byte 0x66, 0x4B", "b", x, fl_in, fl); break;
            case 12:
                /* ESI and EDI: swap the value through EAX so the flag registers stay free */
                __asm__ volatile("pushl %[fin]\n\tpopfl\n\txchgl %%eax, %%esi\n\t.byte 0x46\n\t"
                                 "xchgl %%eax, %%esi\n\tpushfl\n\tpopl %[fout]\n\t"
                                 : "+a"(x), [fout] "=&d"(fl)
                                 : [fin] "c"(fl_in | 2u)
                                 : "cc", "esi");
                break;
            case 13:
                __asm__ volatile("pushl %[fin]\n\tpopfl\n\txchgl %%eax, %%edi\n\t.byte 0x4F\n\t"
                                 "xchgl %%eax, %%edi\n\tpushfl\n\tpopl %[fout]\n\t"
                                 : "+a"(x), [fout] "=&d"(fl)
                                 : [fin] "c"(fl_in | 2u)
                                 : "cc", "edi");
                break;
            case 14:
                /* EBP is the frame pointer: swap it out and back around the instruction */
                __asm__ volatile("pushl %[fin]\n\tpopfl\n\txchgl %%eax, %%ebp\n\t.byte 0x45\n\t"
                                 "xchgl %%eax, %%ebp\n\tpushfl\n\tpopl %[fout]\n\t"
                                 : "+a"(x), [fout] "=&d"(fl)
                                 : [fin] "c"(fl_in | 2u)
                                 : "cc");
                break;
            default:
                __asm__ volatile("pushl %[fin]\n\tpopfl\n\txchgl %%eax, %%ebp\n\t.byte 0x66, 0x4D\n\t"
                                 "xchgl %%eax, %%ebp\n\tpushfl\n\tpopl %[fout]\n\t"
                                 : "+a"(x), [fout] "=&d"(fl)
                                 : [fin] "c"(fl_in | 2u)
                                 : "cc");
                break;
            }
            mix(&r, x);
            mix(&r, fl & F_ARITH);
            r.cases++;
        }
    }
    /* INC/DEC ESP: the stack address is the same on every machine (it is in the image) */
    uint32_t before, after_inc, fl_inc, fl_dec;
    /* a scratch area below the stack top takes the misaligned pushes */
    __asm__ volatile("subl $16, %%esp\n\tmovl %%esp, %0\n\t"
                     ".byte 0x44\n\tmovl %%esp, %1\n\tpushfl\n\tpopl %2\n\t"
                     ".byte 0x4C\n\t.byte 0x4C\n\tpushfl\n\tpopl %3\n\t.byte 0x44\n\t"
                     "addl $16, %%esp\n\t"
                     : "=&r"(before), "=&r"(after_inc), "=&r"(fl_inc), "=&r"(fl_dec)
                     :
                     : "cc", "memory");
    mix(&r, after_inc - before);
    mix(&r, fl_inc & F_ARITH);
    mix(&r, fl_dec & F_ARITH);
    report(&r);
}

/* ---- PUSHA/POPA ---- */
volatile uint32_t isa_pa_in[8], isa_pa_stack[8], isa_pa_out[8], isa_pa_esp[3], isa_pa_ebp;

static void test_pusha_popa(void)
{
    result r;
    begin(&r, "pusha/popa");
    for (uint32_t i = 0; i < 400; i++) {
        for (int k = 0; k < 8; k++)
            isa_pa_in[k] = next_value();
        if (i & 1) {
            /* 32-bit: PUSHAD pushes EAX ECX EDX EBX (old ESP) EBP ESI EDI; POPAD skips ESP */
            __asm__ volatile("movl %%ebp, isa_pa_ebp\n\t"
                             "movl isa_pa_in+0, %%eax\n\tmovl isa_pa_in+4, %%ecx\n\tmovl isa_pa_in+8, %%edx\n\t"
                             "movl isa_pa_in+12, %%ebx\n\tmovl isa_pa_in+20, %%ebp\n\t"
                             "movl isa_pa_in+24, %%esi\n\tmovl isa_pa_in+28, %%edi\n\t"
                             "movl %%esp, isa_pa_esp+0\n\t"
                             ".byte 0x60\n\t"
                             "movl %%esp, isa_pa_esp+4\n\t"
                             "movl 0(%%esp), %%eax\n\tmovl %%eax, isa_pa_stack+0\n\t"
                             "movl 4(%%esp), %%eax\n\tmovl %%eax, isa_pa_stack+4\n\t"
                             "movl 8(%%esp), %%eax\n\tmovl %%eax, isa_pa_stack+8\n\t"
                             "movl 12(%%esp), %%eax\n\tmovl %%eax, isa_pa_stack+12\n\t"
                             "movl 16(%%esp), %%eax\n\tmovl %%eax, isa_pa_stack+16\n\t"
                             "movl 20(%%esp), %%eax\n\tmovl %%eax, isa_pa_stack+20\n\t"
                             "movl 24(%%esp), %%eax\n\tmovl %%eax, isa_pa_stack+24\n\t"
                             "movl 28(%%esp), %%eax\n\tmovl %%eax, isa_pa_stack+28\n\t"
                             "movl $0xDEADBEEF, 12(%%esp)\n\t"
                             "movl $0x11111111, %%eax\n\tmovl %%eax, %%ecx\n\tmovl %%eax, %%edx\n\t"
                             "movl %%eax, %%ebx\n\tmovl %%eax, %%ebp\n\tmovl %%eax, %%esi\n\tmovl %%eax, %%edi\n\t"
                             ".byte 0x61\n\t"
                             "movl %%esp, isa_pa_esp+8\n\t"
                             "movl %%eax, isa_pa_out+0\n\tmovl %%ecx, isa_pa_out+4\n\tmovl %%edx, isa_pa_out+8\n\t"
                             "movl %%ebx, isa_pa_out+12\n\tmovl %%ebp, isa_pa_out+20\n\t"
                             "movl %%esi, isa_pa_out+24\n\tmovl %%edi, isa_pa_out+28\n\t"
                             "movl isa_pa_ebp, %%ebp\n\t"
                             :
                             :
                             : "eax", "ecx", "edx", "ebx", "esi", "edi", "cc", "memory");
            mix(&r, isa_pa_esp[0] - isa_pa_esp[1]);
            mix(&r, isa_pa_esp[2] - isa_pa_esp[0]);
            for (int k = 0; k < 8; k++) {
                /* the pushed ESP slot (stack[3]) holds the ESP before PUSHA */
                mix(&r, k == 3 ? isa_pa_stack[k] - isa_pa_esp[0] : isa_pa_stack[k]);
                if (k != 4)
                    mix(&r, isa_pa_out[k]);
            }
        } else {
            /* 16-bit: PUSHA pushes 8 words, POPA restores the low halves only */
            __asm__ volatile("movl %%ebp, isa_pa_ebp\n\t"
                             "movl isa_pa_in+0, %%eax\n\tmovl isa_pa_in+4, %%ecx\n\tmovl isa_pa_in+8, %%edx\n\t"
                             "movl isa_pa_in+12, %%ebx\n\tmovl isa_pa_in+20, %%ebp\n\t"
                             "movl isa_pa_in+24, %%esi\n\tmovl isa_pa_in+28, %%edi\n\t"
                             "movl %%esp, isa_pa_esp+0\n\t"
                             ".byte 0x66, 0x60\n\t"
                             "movl %%esp, isa_pa_esp+4\n\t"
                             "movl 0(%%esp), %%eax\n\tmovl %%eax, isa_pa_stack+0\n\t"
                             "movl 4(%%esp), %%eax\n\tmovl %%eax, isa_pa_stack+4\n\t"
                             "movl 8(%%esp), %%eax\n\tmovl %%eax, isa_pa_stack+8\n\t"
                             "movl 12(%%esp), %%eax\n\tmovl %%eax, isa_pa_stack+12\n\t"
                             "movw $0xBEEF, 8(%%esp)\n\t"
                             "movl $0x22222222, %%eax\n\tmovl %%eax, %%ecx\n\tmovl %%eax, %%edx\n\t"
                             "movl %%eax, %%ebx\n\tmovl %%eax, %%ebp\n\tmovl %%eax, %%esi\n\tmovl %%eax, %%edi\n\t"
                             ".byte 0x66, 0x61\n\t"
                             "movl %%esp, isa_pa_esp+8\n\t"
                             "movl %%eax, isa_pa_out+0\n\tmovl %%ecx, isa_pa_out+4\n\tmovl %%edx, isa_pa_out+8\n\t"
                             "movl %%ebx, isa_pa_out+12\n\tmovl %%ebp, isa_pa_out+20\n\t"
                             "movl %%esi, isa_pa_out+24\n\tmovl %%edi, isa_pa_out+28\n\t"
                             "movl isa_pa_ebp, %%ebp\n\t"
                             :
                             :
                             : "eax", "ecx", "edx", "ebx", "esi", "edi", "cc", "memory");
            mix(&r, isa_pa_esp[0] - isa_pa_esp[1]);
            mix(&r, isa_pa_esp[2] - isa_pa_esp[0]);
            for (int k = 0; k < 4; k++) {
                /* word 4 from the bottom (upper half of stack[2]) is the old SP */
                uint32_t w = isa_pa_stack[k];
                if (k == 2)
                    w = (w & 0xFFFFu) | ((((w >> 16) - isa_pa_esp[0]) & 0xFFFFu) << 16);
                mix(&r, w);
            }
            for (int k = 0; k < 8; k++)
                if (k != 4)
                    mix(&r, isa_pa_out[k]);
        }
        r.cases++;
    }
    report(&r);
}

/* ---- LDS/LES ---- */
volatile struct {
    uint32_t offset;
    uint16_t selector;
} __attribute__((packed)) isa_farptr;
volatile struct {
    uint16_t offset;
    uint16_t selector;
} __attribute__((packed)) isa_farptr16;

static void test_lds_les(void)
{
    result r;
    begin(&r, "lds/les");
    uint16_t ds;
    __asm__ volatile("movw %%ds, %0" : "=r"(ds));
    /* valid flat selector, null (allowed in DS/ES), beyond the GDT limit, null with RPL 3,
     * the code segment (readable: allowed), the first selector past the limit */
    const uint16_t selectors[] = { ds, 0, 0xFFF8, 3, CODE_SEL, sizeof gdt };
    for (uint32_t i = 0; i < 96; i++) {
        uint16_t sel = selectors[i % 6];
        uint32_t off = next_value();
        uint32_t reg = 0x5A5A5A5A, seg = 0;
        isa_farptr.offset = off;
        isa_farptr.selector = sel;
        isa_farptr16.offset = (uint16_t)off;
        isa_farptr16.selector = sel;
        switch ((i / 6) % 4) {
        case 0:
            __asm__ volatile("movl $1f, isa_resume\n\tpushl %%es\n\t"
                             ".byte 0xC4, 0x01\n1:\n\t"         /* les eax, [ecx] */
                             "movw %%es, %%dx\n\tpopl %%es\n\t"
                             : "+a"(reg), "=&d"(seg) : "c"(&isa_farptr) : "memory");
            break;
        case 1:
            __asm__ volatile("movl $1f, isa_resume\n\tpushl %%ds\n\t"
                             ".byte 0xC5, 0x01\n1:\n\t"         /* lds eax, [ecx] */
                             "movw %%ds, %%dx\n\tpopl %%ds\n\t"
                             : "+a"(reg), "=&d"(seg) : "c"(&isa_farptr) : "memory");
            break;
        case 2:
            __asm__ volatile("movl $1f, isa_resume\n\tpushl %%es\n\t"
                             ".byte 0x66, 0xC4, 0x01\n1:\n\t"   /* les ax, [ecx] */
                             "movw %%es, %%dx\n\tpopl %%es\n\t"
                             : "+a"(reg), "=&d"(seg) : "c"(&isa_farptr16) : "memory");
            break;
        default:
            __asm__ volatile("movl $1f, isa_resume\n\tpushl %%ds\n\t"
                             ".byte 0x66, 0xC5, 0x01\n1:\n\t"   /* lds ax, [ecx] */
                             "movw %%ds, %%dx\n\tpopl %%ds\n\t"
                             : "+a"(reg), "=&d"(seg) : "c"(&isa_farptr16) : "memory");
            break;
        }
        mix(&r, reg);
        mix(&r, seg & 0xFFFF);
        record_exception(&r);
        r.cases++;
    }
    report(&r);
}

/* ---- PUSH/POP segment registers ---- */
static void test_push_pop_sreg(void)
{
    result r;
    begin(&r, "push/pop sreg");
    uint32_t out[8], delta[8];
    /* 32-bit pushes: newer CPUs write only the low word, so fill the slot first and keep
     * only the selector bits */
#define PUSH_SREG(bytes, idx)                                                                    \
    __asm__ volatile("movl %%esp, %%ecx\n\tpushl $0xA5A5A5A5\n\taddl $4, %%esp\n\t" bytes "\n\t"  \
                     "movl (%%esp), %%eax\n\tsubl %%esp, %%ecx\n\taddl %%ecx, %%esp\n\t"          \
                     : "=&a"(out[idx]), "=&c"(delta[idx])                                         \
                     :                                                                            \
                     : "cc", "memory")
    PUSH_SREG(".byte 0x06", 0);        /* push es */
    PUSH_SREG(".byte 0x0E", 1);        /* push cs */
    PUSH_SREG(".byte 0x16", 2);        /* push ss */
    PUSH_SREG(".byte 0x1E", 3);        /* push ds */
    PUSH_SREG(".byte 0x0F, 0xA0", 4);  /* push fs */
    PUSH_SREG(".byte 0x0F, 0xA8", 5);  /* push gs */
    for (int k = 0; k < 6; k++) {
        mix(&r, out[k] & 0xFFFF);
        mix(&r, delta[k]);
    }
    PUSH_SREG(".byte 0x66, 0x06", 6);  /* push es (16-bit) */
    PUSH_SREG(".byte 0x66, 0x1E", 7);  /* push ds (16-bit) */
    mix(&r, out[6] & 0xFFFF);
    mix(&r, out[7] & 0xFFFF);
    mix(&r, delta[6]);
    mix(&r, delta[7]);

    /* POP into ES/DS/FS/GS/SS: pop the current DS value (and a null into ES/FS/GS) */
    uint16_t ds;
    __asm__ volatile("movw %%ds, %0" : "=r"(ds));
    uint32_t got[8];
    __asm__ volatile("pushl %%es\n\tpushl %%fs\n\tpushl %%gs\n\t"
                     "pushl %[sel]\n\t.byte 0x07\n\tmovw %%es, %%ax\n\tmovzwl %%ax, %%eax\n\tmovl %%eax, 0(%[g])\n\t"
                     "pushl %[sel]\n\t.byte 0x0F, 0xA1\n\tmovw %%fs, %%ax\n\tmovzwl %%ax, %%eax\n\tmovl %%eax, 4(%[g])\n\t"
                     "pushl %[sel]\n\t.byte 0x0F, 0xA9\n\tmovw %%gs, %%ax\n\tmovzwl %%ax, %%eax\n\tmovl %%eax, 8(%[g])\n\t"
                     "pushl $0\n\t.byte 0x07\n\tmovw %%es, %%ax\n\tmovzwl %%ax, %%eax\n\tmovl %%eax, 12(%[g])\n\t"
                     "pushl $0\n\t.byte 0x0F, 0xA1\n\tmovw %%fs, %%ax\n\tmovzwl %%ax, %%eax\n\tmovl %%eax, 16(%[g])\n\t"
                     "pushw %w[sel]\n\t.byte 0x66, 0x0F, 0xA9\n\tmovw %%gs, %%ax\n\tmovzwl %%ax, %%eax\n\tmovl %%eax, 20(%[g])\n\t"
                     "pushl %%ss\n\t.byte 0x17\n\tmovw %%ss, %%ax\n\tmovzwl %%ax, %%eax\n\tmovl %%eax, 24(%[g])\n\t"
                     "pushl %[sel]\n\t.byte 0x1F\n\tmovw %%ds, %%ax\n\tmovzwl %%ax, %%eax\n\tmovl %%eax, 28(%[g])\n\t"
                     "popl %%gs\n\tpopl %%fs\n\tpopl %%es\n\t"
                     :
                     : [sel] "r"((uint32_t)ds), [g] "r"(got)
                     : "eax", "cc", "memory");
    for (int k = 0; k < 8; k++)
        mix(&r, got[k] == ds ? 0x1000u + (uint32_t)k : got[k]);
    r.cases = 16;
    report(&r);
}

int main(void)
{
    install_gdt();
    install_idt();
    printf("isa-legacy begin\n");
    test_bcd("daa", 0, F_CF | F_AF | F_SF | F_ZF | F_PF);
    test_bcd("das", 1, F_CF | F_AF | F_SF | F_ZF | F_PF);
    test_bcd("aaa", 2, F_CF | F_AF);
    test_bcd("aas", 3, F_CF | F_AF);
    test_aam_aad(0);
    test_aam_aad(1);
    test_into();
    test_bound();
    test_incdec();
    test_pusha_popa();
    test_lds_les();
    test_push_pop_sreg();
    printf("isa-legacy end\n");
    return 0;
}
