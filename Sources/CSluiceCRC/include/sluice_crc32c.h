#ifndef SLUICE_CRC32C_H
#define SLUICE_CRC32C_H
#include <stddef.h>
#include <stdint.h>

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as Kafka's v2 record batches use.
/// `crc` is the running value: pass 0 to start; the result of one call feeds the next.
uint32_t sluice_crc32c_update(uint32_t crc, const void *data, size_t length);

/// The portable slicing-by-8 implementation, exposed for tests and benchmarks.
uint32_t sluice_crc32c_update_portable(uint32_t crc, const void *data, size_t length);

/// 1 when the SSE4.2 crc32 instruction is used, 0 when the portable table is.
int sluice_crc32c_hardware(void);
#endif
