/* SPDX-License-Identifier: MIT */
/*
 * Status codes, version and export macros shared by every kyokun header.
 */
#ifndef KYOKUN_COMMON_H
#define KYOKUN_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Library version as "MAJOR.MINOR.PATCH". */
#define KY_VERSION_STRING "0.1.0"

#if defined(__GNUC__)
#define KY_EXPORT __attribute__((visibility("default")))
#define KY_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define KY_EXPORT
#define KY_PRINTF(fmt, args)
#endif

/**
 * Status codes. Fallible functions return 0 on success and one of the
 * negative values below on failure; details are in ky_error_last().
 */
typedef enum ky_status {
    KY_OK = 0,               /**< Success. */
    KY_ERROR = -1,           /**< Failure with no more specific code. */
    KY_ENOMEM = -2,          /**< An allocation failed. */
    KY_EIO = -3,             /**< Reading or writing a file failed. */
    KY_EPARSE = -4,          /**< The input is not valid for its format. */
    KY_EUNSUPPORTED = -5,    /**< A valid input uses a feature kyokun does not support. */
    KY_ENOTFOUND = -6,       /**< A file, sheet, plugin or record was not found. */
    KY_ELIMIT = -7,          /**< A size limit was exceeded (zip bomb, huge field). */
    KY_EUSER = -8,           /**< A callback asked to abort. */
    KY_EEXISTS = -9,         /**< The object is already registered. */
    KY_EINVAL = -10,         /**< An argument or option is invalid. */
    KY_EABI = -11            /**< A plugin was built for another ABI version. */
} ky_status;

/**
 * @brief Describe a status code.
 * @param code A ky_status value.
 * @return A static English string; callers translate it with gettext if needed.
 */
KY_EXPORT const char *ky_strerror(int code);

/**
 * @brief Return the library version string (KY_VERSION_STRING of the build).
 */
KY_EXPORT const char *ky_version(void);

#ifdef __cplusplus
}
#endif

#endif
