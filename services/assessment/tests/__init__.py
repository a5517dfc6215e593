"""Tests of the assessment service."""
