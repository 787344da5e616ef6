/*
 * util.h - the common helpers (harness/common/), for the orchestrator's
 * files: diagnostics (diag.h), memory (mem.h), buffers and hex (buf.h),
 * files and the clock (sys.h).  The fake MX and the reference client
 * include the ones they use directly.
 */
#ifndef DH_UTIL_H
#define DH_UTIL_H

#include <stdio.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/mem.h"
#include "common/sys.h"

#endif
