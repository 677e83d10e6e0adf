#!/usr/bin/env node
// Committed so npm links the bin at install time, before dist/ is built.
import '../dist/cli.js';
