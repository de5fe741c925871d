/* SPDX-License-Identifier: MIT */
/*
 * Message translation for code built in this tree (core, formats, plugins,
 * cli). Messages use the gettext domain "kyokun"; po/ja.po holds the Japanese
 * catalogue. Wrap every user-facing literal in KY_() where it is used, or in
 * KY_N_() where it is only defined (a table of messages) and translate it
 * later with KY_().
 */
#ifndef KYOKUN_I18N_H
#define KYOKUN_I18N_H

#include <libintl.h>

#define KY_TEXT_DOMAIN "kyokun"
#define KY_(text) dgettext(KY_TEXT_DOMAIN, text)
#define KY_N_(text) text

#endif
