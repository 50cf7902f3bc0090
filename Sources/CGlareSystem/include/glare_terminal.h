#ifndef GLARE_TERMINAL_H
#define GLARE_TERMINAL_H

/// The width in columns of the terminal on `descriptor`, from ioctl TIOCGWINSZ (variadic, so Swift
/// cannot call it). Returns the width, or -1 with errno set (ENOTTY when it is not a terminal) or 0
/// when the terminal reports no width.
int glare_terminal_columns(int descriptor);

/// Opens a pseudo-terminal pair whose window is `columns` x `rows` (openpty, which Swift's Glibc
/// module hides). Returns 0 and both descriptors (close-on-exec), or -1 with errno set.
int glare_terminal_open_pseudo(int columns, int rows, int *controller, int *terminal);

#endif
