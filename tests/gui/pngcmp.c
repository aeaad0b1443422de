/* pngcmp A.png B.png X Y W H [BX BY]: compare the W x H region at (X, Y) of image A with the one
 * at (BX, BY) of image B (default the same place), pixel by pixel (RGB). Prints the number of
 * differing pixels; exit 0 when there are none, 1 when some differ, 2 on bad input.
 * pngcmp --size A.png prints "W H".
 * pngcmp --count A.png X Y W H RRGGBB prints how many pixels of the region have that colour.
 * Any image SDL2_image reads will do. */
#include <SDL.h>
#include <SDL_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static SDL_Surface *load(const char *path)
{
    SDL_Surface *raw = IMG_Load(path);
    if (!raw) {
        fprintf(stderr, "pngcmp: %s: %s\n", path, IMG_GetError());
        return NULL;
    }
    SDL_Surface *s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_XRGB8888, 0);
    SDL_FreeSurface(raw);
    return s;
}

static uint32_t px(SDL_Surface *s, int x, int y)
{
    return ((uint32_t *)((uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch))[x] & 0xFFFFFF;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--size") == 0) {
        SDL_Surface *a = load(argv[2]);
        if (!a) return 2;
        printf("%d %d\n", a->w, a->h);
        return 0;
    }
    if (argc == 8 && strcmp(argv[1], "--count") == 0) {
        SDL_Surface *a = load(argv[2]);
        if (!a) return 2;
        int x = atoi(argv[3]), y = atoi(argv[4]), w = atoi(argv[5]), h = atoi(argv[6]);
        char *end;
        unsigned long rgb = strtoul(argv[7], &end, 16);
        if (*end || x < 0 || y < 0 || w < 0 || h < 0 || x + w > a->w || y + h > a->h) {
            fprintf(stderr, "pngcmp: --count: bad region or colour\n");
            return 2;
        }
        long n = 0;
        for (int j = 0; j < h; j++)
            for (int i = 0; i < w; i++)
                n += px(a, x + i, y + j) == rgb;
        printf("%ld\n", n);
        return 0;
    }
    if (argc != 7 && argc != 9) {
        fprintf(stderr, "usage: pngcmp A.png B.png X Y W H [BX BY]\n");
        return 2;
    }
    int x = atoi(argv[3]), y = atoi(argv[4]), w = atoi(argv[5]), h = atoi(argv[6]);
    int bx = argc == 9 ? atoi(argv[7]) : x, by = argc == 9 ? atoi(argv[8]) : y;
    SDL_Surface *a = load(argv[1]), *b = load(argv[2]);
    if (!a || !b) return 2;
    if (x < 0 || y < 0 || x + w > a->w || y + h > a->h || bx < 0 || by < 0 || bx + w > b->w || by + h > b->h) {
        fprintf(stderr, "pngcmp: region outside an image (%dx%d, %dx%d)\n", a->w, a->h, b->w, b->h);
        return 2;
    }
    long diff = 0;
    for (int j = 0; j < h; j++)
        for (int i = 0; i < w; i++)
            diff += px(a, x + i, y + j) != px(b, bx + i, by + j);
    printf("%ld\n", diff);
    return diff ? 1 : 0;
}
