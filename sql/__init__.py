"""SQL files of the unease monitor: staging -> marts, executed in name order."""
