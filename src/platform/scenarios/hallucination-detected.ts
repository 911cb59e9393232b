import { min, SECOND, timeline, type Scenario } from './timeline.js';

/** Playbook scenario 2: a confident model output that validation proves impossible. */
const NAME = 'hallucination-detected';
const AGENT = 'intent-resolver';

export const hallucinationDetected: Scenario = {
  name: NAME,
  title: 'Hallucination detected in IntentInstance #123',
  description: 'The intent resolver, at confidence 0.94 (> 0.9), creates a load weighing -50 lbs; validation rejects it.',
  build(start) {
    const t = timeline(NAME, start, 'cortex');
    t.at(0).emit(min(20), 'agent.validation', { agent: AGENT, result: 'passed', confidence: 0.91, intent: '#121' });
    t.emit(min(12), 'agent.validation', { agent: AGENT, result: 'passed', confidence: 0.88, intent: '#122' });
    // The playbook's VCR case needs the raw signal and what the model made of it: the event carries both.
    t.at(1 * SECOND).emit(min(2), 'agent.validation', {
      agent: AGENT,
      result: 'hallucination',
      confidence: 0.94,
      intent: '#123',
      detail: 'TenderLoad.weight = -50 lbs: weight must be > 0',
      input: 'Tender request: 1 pallet of machine parts, 50 lbs, pick up Chicago IL 60607, deliver Dallas TX 75201, ready 2026-05-04.',
      output: { type: 'TenderLoad', weight: -50, weightUnit: 'lbs', pallets: 1, origin: 'Chicago, IL 60607', destination: 'Dallas, TX 75201', readyDate: '2026-05-04' },
    });
    return t.events();
  },
};
