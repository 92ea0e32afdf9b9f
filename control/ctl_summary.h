/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_summary.h - the per-organisation table printed at the end of a replay:
 * one row per (organisation, vendor) with sessions, most clients first, then
 * the dataplane identity (received = processed + dropped).
 */
#ifndef CTL_SUMMARY_H
#define CTL_SUMMARY_H

#include <stdio.h>

#include "ctl_view.h"

void ctl_summary_print(FILE *f, const struct ctl_view *v);

#endif
