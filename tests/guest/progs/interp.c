/* A tiny language: a tokenizer, a recursive-descent compiler to stack-machine bytecode, a
 * disassembler and the virtual machine that runs it. An interpreter inside the emulated CPU
 * is a dense mix of loads, stores, branches and indirect jumps.
 *
 *   program := stmt*
 *   stmt    := "print" expr ";" | NAME "=" expr ";"
 *            | "while" expr "do" stmt* "end" | "if" expr "then" stmt* ["else" stmt*] "end"
 *   expr    := sum [("<" | ">" | "<=" | ">=" | "==" | "!=") sum]
 *   sum     := term (("+" | "-") term)*      term := unary (("*" | "/" | "%") unary)*
 *   unary   := "-" unary | NUMBER | NAME | "(" expr ")"
 * Arithmetic wraps at 32 bits; dividing by zero stops the program with an error. */
#include "suite.h"

enum opcode { OP_HALT, OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_NEG,
              OP_LT, OP_GT, OP_LE, OP_GE, OP_EQ, OP_NE, OP_JMP, OP_JZ, OP_PRINT, OP_COUNT };
static const char *const op_names[OP_COUNT] = {
    "halt", "push", "load", "store", "add", "sub", "mul", "div", "mod", "neg",
    "lt", "gt", "le", "ge", "eq", "ne", "jmp", "jz", "print",
};
static bool op_has_arg(int op) { return op == OP_PUSH || op == OP_LOAD || op == OP_STORE ||
                                        op == OP_JMP || op == OP_JZ; }

#define MAX_CODE 1024
#define MAX_VARS 16
#define MAX_STACK 64

typedef struct compiler {
    const char *src, *p;
    char tok[24];            /* current token text */
    bool tok_is_number;
    int32_t tok_value;
    int32_t code[MAX_CODE];
    int ncode;
    char vars[MAX_VARS][24];
    int nvars;
    char error[96];
} compiler;

static void next_token(compiler *c)
{
    while (*c->p == ' ' || *c->p == '\n' || *c->p == '\t')
        c->p++;
    c->tok_is_number = false;
    int n = 0;
    if (*c->p == '\0') {
        c->tok[0] = '\0';
        return;
    }
    if (*c->p >= '0' && *c->p <= '9') {
        uint32_t v = 0;
        while (*c->p >= '0' && *c->p <= '9') {
            v = v * 10 + (uint32_t)(*c->p - '0');
            if (n < 23) c->tok[n++] = *c->p;
            c->p++;
        }
        c->tok_is_number = true;
        c->tok_value = (int32_t)v;
    } else if ((*c->p >= 'a' && *c->p <= 'z') || *c->p == '_') {
        while ((*c->p >= 'a' && *c->p <= 'z') || *c->p == '_' || (*c->p >= '0' && *c->p <= '9')) {
            if (n < 23) c->tok[n++] = *c->p;
            c->p++;
        }
    } else {
        c->tok[n++] = *c->p++;
        if ((c->tok[0] == '<' || c->tok[0] == '>' || c->tok[0] == '=' || c->tok[0] == '!') && *c->p == '=')
            c->tok[n++] = *c->p++;
    }
    c->tok[n] = '\0';
}

static bool is(const compiler *c, const char *s) { return strcmp(c->tok, s) == 0; }

static void fail(compiler *c, const char *what)
{
    if (c->error[0] == '\0')
        snprintf(c->error, sizeof c->error, "at offset %d: %s (found '%s')",
                 (int)(c->p - c->src), what, c->tok);
}

static void expect(compiler *c, const char *s)
{
    if (!is(c, s)) {
        char msg[40];
        snprintf(msg, sizeof msg, "expected '%s'", s);
        fail(c, msg);
    }
    next_token(c);
}

static int emit(compiler *c, int op, int32_t arg)
{
    if (c->ncode + 2 > MAX_CODE) {
        fail(c, "program too long");
        return 0;
    }
    int at = c->ncode;
    c->code[c->ncode++] = op;
    if (op_has_arg(op))
        c->code[c->ncode++] = arg;
    return at;
}

static int var_slot(compiler *c, const char *name)
{
    for (int i = 0; i < c->nvars; i++)
        if (strcmp(c->vars[i], name) == 0)
            return i;
    if (c->nvars == MAX_VARS) {
        fail(c, "too many variables");
        return 0;
    }
    strcpy(c->vars[c->nvars], name);
    return c->nvars++;
}

static bool is_name(const compiler *c)
{
    static const char *const keywords[] = { "print", "while", "do", "end", "if", "then", "else" };
    if (c->tok_is_number || !((c->tok[0] >= 'a' && c->tok[0] <= 'z') || c->tok[0] == '_'))
        return false;
    for (unsigned i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (is(c, keywords[i]))
            return false;
    return true;
}

static void compile_expr(compiler *c);

static void compile_unary(compiler *c)
{
    if (is(c, "-")) {
        next_token(c);
        compile_unary(c);
        emit(c, OP_NEG, 0);
    } else if (c->tok_is_number) {
        emit(c, OP_PUSH, c->tok_value);
        next_token(c);
    } else if (is_name(c)) {
        emit(c, OP_LOAD, var_slot(c, c->tok));
        next_token(c);
    } else if (is(c, "(")) {
        next_token(c);
        compile_expr(c);
        expect(c, ")");
    } else {
        fail(c, "expected a value");
        next_token(c);
    }
}

static void compile_term(compiler *c)
{
    compile_unary(c);
    while (is(c, "*") || is(c, "/") || is(c, "%")) {
        int op = is(c, "*") ? OP_MUL : is(c, "/") ? OP_DIV : OP_MOD;
        next_token(c);
        compile_unary(c);
        emit(c, op, 0);
    }
}

static void compile_sum(compiler *c)
{
    compile_term(c);
    while (is(c, "+") || is(c, "-")) {
        int op = is(c, "+") ? OP_ADD : OP_SUB;
        next_token(c);
        compile_term(c);
        emit(c, op, 0);
    }
}

static void compile_expr(compiler *c)
{
    static const struct { const char *text; int op; } comparisons[] = {
        { "<", OP_LT }, { ">", OP_GT }, { "<=", OP_LE }, { ">=", OP_GE }, { "==", OP_EQ }, { "!=", OP_NE },
    };
    compile_sum(c);
    for (unsigned i = 0; i < sizeof comparisons / sizeof comparisons[0]; i++) {
        if (is(c, comparisons[i].text)) {
            next_token(c);
            compile_sum(c);
            emit(c, comparisons[i].op, 0);
            return;
        }
    }
}

static void compile_block(compiler *c, const char *end1, const char *end2);

static void compile_stmt(compiler *c)
{
    if (is(c, "print")) {
        next_token(c);
        compile_expr(c);
        emit(c, OP_PRINT, 0);
        expect(c, ";");
    } else if (is(c, "while")) {
        next_token(c);
        int top = c->ncode;
        compile_expr(c);
        int jz = emit(c, OP_JZ, 0);
        expect(c, "do");
        compile_block(c, "end", NULL);
        expect(c, "end");
        emit(c, OP_JMP, top);
        c->code[jz + 1] = c->ncode;           /* patch the exit jump now that we know where */
    } else if (is(c, "if")) {
        next_token(c);
        compile_expr(c);
        int jz = emit(c, OP_JZ, 0);
        expect(c, "then");
        compile_block(c, "else", "end");
        if (is(c, "else")) {
            next_token(c);
            int jmp = emit(c, OP_JMP, 0);
            c->code[jz + 1] = c->ncode;
            compile_block(c, "end", NULL);
            c->code[jmp + 1] = c->ncode;
        } else {
            c->code[jz + 1] = c->ncode;
        }
        expect(c, "end");
    } else if (is_name(c)) {
        int slot = var_slot(c, c->tok);
        next_token(c);
        expect(c, "=");
        compile_expr(c);
        emit(c, OP_STORE, slot);
        expect(c, ";");
    } else {
        fail(c, "expected a statement");
        next_token(c);
    }
}

static void compile_block(compiler *c, const char *end1, const char *end2)
{
    while (c->tok[0] != '\0' && !is(c, end1) && !(end2 != NULL && is(c, end2)) && c->error[0] == '\0')
        compile_stmt(c);
}

static bool compile(compiler *c, const char *src)
{
    memset(c, 0, sizeof *c);
    c->src = c->p = src;
    next_token(c);
    compile_block(c, "", NULL);
    emit(c, OP_HALT, 0);
    return c->error[0] == '\0';
}

static void disassemble(const compiler *c)
{
    for (int pc = 0; pc < c->ncode;) {
        int op = c->code[pc];
        if (op_has_arg(op)) {
            printf("    %3d  %-5s %d", pc, op_names[op], (int)c->code[pc + 1]);
            if (op == OP_LOAD || op == OP_STORE)
                printf("  (%s)", c->vars[c->code[pc + 1]]);
            printf("\n");
            pc += 2;
        } else {
            printf("    %3d  %s\n", pc, op_names[op]);
            pc++;
        }
    }
}

typedef struct run_result { uint32_t steps; uint32_t output_hash; int printed; bool ok; } run_result;

static run_result run(const compiler *c, uint32_t max_steps, bool echo)
{
    int32_t stack[MAX_STACK], vars[MAX_VARS] = { 0 };
    int sp = 0, pc = 0;
    run_result r = { 0, 2166136261u, 0, false };
    while (r.steps < max_steps) {
        r.steps++;
        int op = c->code[pc];
        uint32_t b = sp > 0 ? (uint32_t)stack[sp - 1] : 0, a = sp > 1 ? (uint32_t)stack[sp - 2] : 0;
        switch (op) {
        case OP_HALT: r.ok = true; return r;
        case OP_PUSH: stack[sp++] = c->code[pc + 1]; pc += 2; continue;
        case OP_LOAD: stack[sp++] = vars[c->code[pc + 1]]; pc += 2; continue;
        case OP_STORE: vars[c->code[pc + 1]] = stack[--sp]; pc += 2; continue;
        case OP_JMP: pc = c->code[pc + 1]; continue;
        case OP_JZ: pc = stack[--sp] == 0 ? c->code[pc + 1] : pc + 2; continue;
        case OP_NEG: stack[sp - 1] = (int32_t)(0u - b); pc++; continue;
        case OP_PRINT:
            sp--;
            if (echo)
                printf("    > %d\n", (int)(int32_t)b);
            r.output_hash = (r.output_hash ^ b) * 16777619u;
            r.printed++;
            pc++;
            continue;
        default: break;
        }
        /* binary operators: pop b, replace a with the result */
        int32_t sa = (int32_t)a, sb = (int32_t)b, result;
        switch (op) {
        case OP_ADD: result = (int32_t)(a + b); break;
        case OP_SUB: result = (int32_t)(a - b); break;
        case OP_MUL: result = (int32_t)(a * b); break;
        case OP_DIV:
        case OP_MOD:
            if (sb == 0 || (sa == INT32_MIN && sb == -1)) {
                printf("    error: division overflow or by zero at pc %d\n", pc);
                return r;
            }
            result = op == OP_DIV ? sa / sb : sa % sb;
            break;
        case OP_LT: result = sa < sb; break;
        case OP_GT: result = sa > sb; break;
        case OP_LE: result = sa <= sb; break;
        case OP_GE: result = sa >= sb; break;
        case OP_EQ: result = sa == sb; break;
        default: result = sa != sb; break;
        }
        sp--;
        stack[sp - 1] = result;
        pc++;
    }
    printf("    error: step limit reached\n");
    return r;
}

static const struct { const char *name; const char *src; bool echo; int expect_printed; } programs[] = {
    { "arithmetic", "print 1 + 2 * 3; print (1 + 2) * 3; print -7 / 2; print -7 % 3; print 2147483647 + 1;", true, 5 },
    { "factorials", "n = 1; f = 1; while n <= 13 do f = f * n; print f; n = n + 1; end", true, 13 },
    { "gcd", "a = 1071; b = 462; while b != 0 do t = a % b; a = b; b = t; end print a;", true, 1 },
    { "primes", "n = 2; count = 0; while n < 400 do d = 2; p = 1; while d * d <= n do "
                "if n % d == 0 then p = 0; end d = d + 1; end if p then count = count + 1; "
                "if n > 350 then print n; end end n = n + 1; end print count;", true, 9 },
    { "collatz", "n = 27; steps = 0; top = n; while n != 1 do if n % 2 == 0 then n = n / 2; "
                 "else n = 3 * n + 1; end if n > top then top = n; end steps = steps + 1; end "
                 "print steps; print top;", true, 2 },
    { "fibonacci", "a = 0; b = 1; i = 0; while i < 47 do t = a + b; a = b; b = t; i = i + 1; end print a; print b;", true, 2 },
    { "table", "i = 1; while i <= 12 do j = 1; while j <= 12 do print i * j; j = j + 1; end i = i + 1; end", false, 144 },
    { "divzero", "x = 5; y = x - 5; print x; print x / y; print 99;", true, 1 },
    { "syntax", "x = 3 + ; print x;", true, -1 },
    { "unclosed", "while 1 do print 1;", true, -1 },
};

int main(void)
{
    static compiler c;
    for (unsigned i = 0; i < sizeof programs / sizeof programs[0]; i++) {
        printf("program %s:\n", programs[i].name);
        if (!compile(&c, programs[i].src)) {
            printf("    compile error %s\n", c.error);
            CHECK(programs[i].expect_printed == -1);
            continue;
        }
        printf("    %d words of bytecode, %d variables\n", c.ncode, c.nvars);
        if (i == 2)
            disassemble(&c);
        run_result r = run(&c, 2000000, programs[i].echo);
        printf("    %s after %u steps, %d values printed, hash %08x\n", r.ok ? "halted" : "stopped",
               (unsigned)r.steps, r.printed, (unsigned)r.output_hash);
        CHECK(r.printed == programs[i].expect_printed);
    }
    return suite_finish("interp");
}
