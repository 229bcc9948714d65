#ifndef MEDIC_CCURL_H
#define MEDIC_CCURL_H
/* Placeholder: the libcurl shim (dlopen) lands with the HTTP probe. */
int medic_curl_available(void);
#endif
