#include "CCurl.h"
int medic_curl_available(void) { return 0; }
