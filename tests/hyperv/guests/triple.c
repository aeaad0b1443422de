/* Hostile guest: a triple fault. An empty IDT turns the #UD into #GP, #DF, then shutdown; the
 * hypervisor sees SHUTDOWN and ends this VM only (vm exits 125). */
#include "vxlib.h"
int main(void)
{
    struct __attribute__((packed)) { uint16_t limit; uint32_t base; } none = { 0, 0 };
    printf("triple: faulting\n");
    __asm__ volatile("lidt %0; ud2" : : "m"(none));
    return 1;
}
