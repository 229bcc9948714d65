#include "CZlib.h"

#include <fcntl.h>
#include <unistd.h>

gzFile medic_gz_open(const char *path) {
    int descriptor = open(path, O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) return NULL;
    gzFile file = gzdopen(descriptor, "rb");
    if (file == NULL) {
        close(descriptor);
        return NULL;
    }
    gzbuffer(file, 128 * 1024);
    return file;
}
