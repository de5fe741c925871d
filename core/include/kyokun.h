/* SPDX-License-Identifier: MIT */
/* Umbrella header: includes every public kyokun header. */
#ifndef KYOKUN_H
#define KYOKUN_H

#include "kyokun/anonymize.h"
#include "kyokun/book.h"
#include "kyokun/classify.h"
#include "kyokun/common.h"
#include "kyokun/diag.h"
#include "kyokun/mapping.h"
#include "kyokun/plugin.h"
#include "kyokun/registry.h"
#include "kyokun/table.h"
#include "kyokun/validate.h"
#include "kyokun/vocab.h"

#endif
