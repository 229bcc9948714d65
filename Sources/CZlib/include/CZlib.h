#ifndef MEDIC_CZLIB_H
#define MEDIC_CZLIB_H

/* zlib's gzip reader, for the log probe's rotated `.gz` files. gzopen, gzread and gzclose are
   plain functions Swift can call directly; this shim only opens a file the way Medic needs. */

#include <zlib.h>

/* Opens `path` for reading as gzip (or plain, which zlib passes through) with a 128 KiB buffer
   and close-on-exec, so the descriptor never leaks into a step's child process. NULL when it
   cannot be opened (errno says why). */
gzFile medic_gz_open(const char *path);

#endif
