/* nightjar: command line, start-up, run loop, signals. */
#include <stdio.h>

#include "config.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("nightjar %s\n", PACKAGE_VERSION);
	return 0;
}
