"""The synthetic prosody corpus: sentences, voices, class prosody, augmentation."""
