"""Learn: the study library (studies, sources, figures), claim checks and knowledge pages."""
