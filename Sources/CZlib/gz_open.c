#include "CZlib.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

gzFile medic_gz_open(const char *path) {
    /* Never blocks in open (a FIFO with no writer would wait for one), and reads nothing but a
       regular file; reads then block as usual. */
    int descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (descriptor < 0) return NULL;
    struct stat status;
    int flags = fcntl(descriptor, F_GETFL);
    if (fstat(descriptor, &status) != 0 || !S_ISREG(status.st_mode) || flags < 0
        || fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        close(descriptor);
        return NULL;
    }
    gzFile file = gzdopen(descriptor, "rb");
    if (file == NULL) {
        close(descriptor);
        return NULL;
    }
    gzbuffer(file, 128 * 1024);
    return file;
}
