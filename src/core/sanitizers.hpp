// Whether this translation unit is built with AddressSanitizer or ThreadSanitizer: g++ defines
// __SANITIZE_ADDRESS__ and __SANITIZE_THREAD__, clang 14 answers __has_feature instead.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define RACEDEMO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RACEDEMO_ASAN 1
#endif
#endif

#if defined(__SANITIZE_THREAD__)
#define RACEDEMO_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RACEDEMO_TSAN 1
#endif
#endif
