# SPDX-License-Identifier: BSD-3-Clause
"""The census report (control/tapcensus-report): inputs, the database, the page."""
