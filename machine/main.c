/* machine/main.c — placeholder entry point until the board lands. */
#include <stdio.h>
int main(void) { fprintf(stderr, "faultline: board not built yet\n"); return 1; }
