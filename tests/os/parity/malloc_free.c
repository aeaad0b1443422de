/* malloc, calloc, realloc and free: contents survive, freed memory is reused, big blocks work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    enum { N = 500 };
    static char *blocks[N];
    unsigned sum = 0;
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < N; i++) {
            size_t size = (size_t)((i * 37 + round * 11) % 300 + 1);
            blocks[i] = malloc(size);
            if (!blocks[i]) {
                printf("malloc failed\n");
                return 1;
            }
            memset(blocks[i], i & 0xff, size);
        }
        for (int i = 0; i < N; i++) {
            size_t size = (size_t)((i * 37 + round * 11) % 300 + 1);
            for (size_t k = 0; k < size; k++)
                sum = sum * 3 + (unsigned char)blocks[i][k];
            if (i % 3 != round % 3) {
                free(blocks[i]);
                blocks[i] = 0;
            }
        }
        for (int i = 0; i < N; i++)
            free(blocks[i]);
        printf("round %d checksum %u\n", round, sum);
    }
    int *z = calloc(1000, sizeof(int));
    int nonzero = 0;
    for (int i = 0; i < 1000; i++)
        nonzero += z[i] != 0;
    printf("calloc nonzero: %d\n", nonzero);
    free(z);
    char *s = malloc(4);
    strcpy(s, "abc");
    for (int size = 8; size <= 65536; size *= 2) {
        s = realloc(s, (size_t)size);
        memset(s + size / 2, 'x', (size_t)(size / 2));
    }
    printf("realloc kept: %.3s len %d\n", s, (int)strlen(s));
    free(s);
    char *big = malloc(1 << 20);
    memset(big, 7, 1 << 20);
    unsigned bs = 0;
    for (int i = 0; i < 1 << 20; i += 4096)
        bs += (unsigned)big[i];
    printf("1 MiB block: %u\n", bs);
    free(big);
    printf("free(NULL) is fine\n");
    free(0);
    void *huge = malloc((size_t)-1 / 2);
    printf("huge malloc fails: %d\n", huge == 0);
    return 0;
}
