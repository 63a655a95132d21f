"""Placeholder until its owner lands the command; registers nothing."""

import argparse


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    return None
